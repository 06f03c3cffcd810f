package io.ramshift.layout;

import static io.ramshift.layout.DeltaFrameDescriptor.*;
import static io.ramshift.layout.ProtocolDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the delta exchange frames DEST_SUMMARY, CHUNK_REQUEST and PAGE_HASHES (see
 * {@link DeltaFrameDescriptor}): encodes their headers, validates every count against the frame length and the
 * limits, and reads entries by index.
 */
public final class DeltaFrameFlyweight extends FrameFlyweight
{
    /**
     * Write a DEST_SUMMARY header; put the hashes with {@link #summaryHash(int, long)}.
     *
     * @param totalChunks chunks of the image.
     * @param firstChunk  index of the first chunk in this frame.
     * @param count       chunk hashes in this frame.
     * @param flags       {@link ProtocolDescriptor#DELTA_FLAG_LAST} and {@code DELTA_FLAG_FROM_MANIFEST}.
     * @return this for a fluent API.
     */
    public DeltaFrameFlyweight encodeSummary(final long totalChunks, final long firstChunk, final int count,
        final int flags)
    {
        header(SUMMARY_HASHES_OFFSET + count * 8, TYPE_DEST_SUMMARY);
        buffer.putLong(offset + SUMMARY_TOTAL_CHUNKS_OFFSET, totalChunks, LITTLE_ENDIAN);
        buffer.putLong(offset + SUMMARY_FIRST_CHUNK_OFFSET, firstChunk, LITTLE_ENDIAN);
        buffer.putInt(offset + SUMMARY_COUNT_OFFSET, count, LITTLE_ENDIAN);
        buffer.putInt(offset + SUMMARY_FLAGS_OFFSET, flags, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param index position in this frame.
     * @param hash  chunk hash.
     * @return this for a fluent API.
     */
    public DeltaFrameFlyweight summaryHash(final int index, final long hash)
    {
        buffer.putLong(offset + SUMMARY_HASHES_OFFSET + index * 8, hash, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check a DEST_SUMMARY against the image and the chunks received before it.
     *
     * @param expectedTotal  chunks of the image.
     * @param expectedFirst  chunks received so far (this frame must continue there).
     * @return this for a fluent API.
     */
    public DeltaFrameFlyweight validateSummary(final long expectedTotal, final long expectedFirst)
    {
        checkHeader(TYPE_DEST_SUMMARY, -1);
        checkMinLength(SUMMARY_HASHES_OFFSET);
        final long total = buffer.getLong(offset + SUMMARY_TOTAL_CHUNKS_OFFSET, LITTLE_ENDIAN);
        final long first = summaryFirstChunk();
        final long count = count(SUMMARY_COUNT_OFFSET);
        if (total != expectedTotal)
        {
            throw new LayoutException("DEST_SUMMARY for another image: chunks=" + total + " expected=" + expectedTotal);
        }
        if (count > MAX_SUMMARY_HASHES || frameLength() != SUMMARY_HASHES_OFFSET + count * 8)
        {
            throw new LayoutException("DEST_SUMMARY length mismatch: count=" + count + " frame=" + frameLength() +
                " max=" + MAX_SUMMARY_HASHES);
        }
        if (first != expectedFirst || count > total - first)
        {
            throw new LayoutException("DEST_SUMMARY out of order or past the last chunk: first=" + first +
                " count=" + count + " expectedFirst=" + expectedFirst + " chunks=" + total);
        }
        checkFlags(SUMMARY_FLAGS_OFFSET, DELTA_FLAG_LAST | DELTA_FLAG_FROM_MANIFEST);
        if ((summaryFlags() & DELTA_FLAG_LAST) != 0 && first + count != total)
        {
            throw new LayoutException("last DEST_SUMMARY ends before the last chunk: end=" + (first + count) +
                " chunks=" + total);
        }
        return this;
    }

    /** @return index of the first chunk in a DEST_SUMMARY. */
    public long summaryFirstChunk()
    {
        return buffer.getLong(offset + SUMMARY_FIRST_CHUNK_OFFSET, LITTLE_ENDIAN);
    }

    /** @return chunk hashes in a DEST_SUMMARY. */
    public int summaryCount()
    {
        return buffer.getInt(offset + SUMMARY_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return flags of a DEST_SUMMARY. */
    public int summaryFlags()
    {
        return buffer.getInt(offset + SUMMARY_FLAGS_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index position in this frame.
     * @return the chunk hash.
     */
    public long summaryHash(final int index)
    {
        return buffer.getLong(offset + SUMMARY_HASHES_OFFSET + index * 8, LITTLE_ENDIAN);
    }

    /**
     * Write a CHUNK_REQUEST header; put the indexes with {@link #listLong(int, long)}.
     *
     * @param count chunk indexes in this frame.
     * @param flags {@link ProtocolDescriptor#DELTA_FLAG_LAST} or 0.
     * @return this for a fluent API.
     */
    public DeltaFrameFlyweight encodeRequest(final int count, final int flags)
    {
        header(LIST_ENTRIES_OFFSET + count * 8, TYPE_CHUNK_REQUEST);
        buffer.putInt(offset + LIST_COUNT_OFFSET, count, LITTLE_ENDIAN);
        buffer.putInt(offset + LIST_FLAGS_OFFSET, flags, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check a CHUNK_REQUEST: length, flags, and every index ascending, after {@code previous} and below
     * {@code totalChunks}.
     *
     * @param totalChunks chunks of the image.
     * @param previous    the last index requested before this frame, or -1.
     * @return this for a fluent API.
     */
    public DeltaFrameFlyweight validateRequest(final long totalChunks, final long previous)
    {
        checkHeader(TYPE_CHUNK_REQUEST, -1);
        checkMinLength(LIST_ENTRIES_OFFSET);
        final long count = count(LIST_COUNT_OFFSET);
        if (count > MAX_REQUEST_CHUNKS || frameLength() != LIST_ENTRIES_OFFSET + count * 8)
        {
            throw new LayoutException("CHUNK_REQUEST length mismatch: count=" + count + " frame=" + frameLength() +
                " max=" + MAX_REQUEST_CHUNKS);
        }
        checkFlags(LIST_FLAGS_OFFSET, DELTA_FLAG_LAST | DELTA_FLAG_HASH32);
        long last = previous;
        for (int i = 0; i < count; i++)
        {
            final long chunk = listLong(i);
            if (chunk <= last || chunk >= totalChunks)
            {
                throw new LayoutException("CHUNK_REQUEST index out of order or range: index=" + chunk +
                    " previous=" + last + " chunks=" + totalChunks);
            }
            last = chunk;
        }
        return this;
    }

    /** @return entries in a CHUNK_REQUEST or PAGE_HASHES. */
    public int listCount()
    {
        return buffer.getInt(offset + LIST_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return flags of a CHUNK_REQUEST or PAGE_HASHES. */
    public int listFlags()
    {
        return buffer.getInt(offset + LIST_FLAGS_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index position in a CHUNK_REQUEST.
     * @param value chunk index.
     * @return this for a fluent API.
     */
    public DeltaFrameFlyweight listLong(final int index, final long value)
    {
        buffer.putLong(offset + LIST_ENTRIES_OFFSET + index * 8, value, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param index position in a CHUNK_REQUEST.
     * @return the chunk index.
     */
    public long listLong(final int index)
    {
        return buffer.getLong(offset + LIST_ENTRIES_OFFSET + index * 8, LITTLE_ENDIAN);
    }

    /**
     * Write a PAGE_HASHES header; put entries with {@link #entryChunk(int, long)} and {@link #entryHash}.
     *
     * @param count entries in this frame.
     * @param flags {@link ProtocolDescriptor#DELTA_FLAG_LAST} or 0.
     * @return this for a fluent API.
     */
    public DeltaFrameFlyweight encodePageHashes(final int count, final int flags)
    {
        header(LIST_ENTRIES_OFFSET + count * entryLength(flags), TYPE_PAGE_HASHES);
        buffer.putInt(offset + LIST_COUNT_OFFSET, count, LITTLE_ENDIAN);
        buffer.putInt(offset + LIST_FLAGS_OFFSET, flags, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check a PAGE_HASHES frame's length and flags (the caller checks each entry's chunk against its request).
     *
     * @return this for a fluent API.
     */
    public DeltaFrameFlyweight validatePageHashes()
    {
        checkHeader(TYPE_PAGE_HASHES, -1);
        checkMinLength(LIST_ENTRIES_OFFSET);
        checkFlags(LIST_FLAGS_OFFSET, DELTA_FLAG_LAST | DELTA_FLAG_HASH32);
        final long count = count(LIST_COUNT_OFFSET);
        if (count > MAX_PAGE_HASH_ENTRIES ||
            frameLength() != LIST_ENTRIES_OFFSET + count * entryLength(listFlags()))
        {
            throw new LayoutException("PAGE_HASHES length mismatch: count=" + count + " frame=" + frameLength() +
                " max=" + MAX_PAGE_HASH_ENTRIES);
        }
        return this;
    }

    /**
     * @param entry position in a PAGE_HASHES frame.
     * @param chunk chunk index.
     * @return this for a fluent API.
     */
    public DeltaFrameFlyweight entryChunk(final int entry, final long chunk)
    {
        buffer.putLong(entryOffset(entry), chunk, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param entry position in a PAGE_HASHES frame.
     * @return its chunk index.
     */
    public long entryChunk(final int entry)
    {
        return buffer.getLong(entryOffset(entry), LITTLE_ENDIAN);
    }

    /**
     * @param entry position in a PAGE_HASHES frame (its flags already encoded).
     * @param page  page within the chunk, 0..511.
     * @param hash  the page hash (only its low 32 bits with {@link ProtocolDescriptor#DELTA_FLAG_HASH32}).
     * @return this for a fluent API.
     */
    public DeltaFrameFlyweight entryHash(final int entry, final int page, final long hash)
    {
        if (hash32())
        {
            buffer.putInt(entryOffset(entry) + 8 + page * 4, (int)hash, LITTLE_ENDIAN);
        }
        else
        {
            buffer.putLong(entryOffset(entry) + 8 + page * 8, hash, LITTLE_ENDIAN);
        }
        return this;
    }

    /**
     * @param entry position in a PAGE_HASHES frame.
     * @param page  page within the chunk, 0..511.
     * @return the page hash (zero-extended low 32 bits with {@link ProtocolDescriptor#DELTA_FLAG_HASH32}).
     */
    public long entryHash(final int entry, final int page)
    {
        return hash32() ? buffer.getInt(entryOffset(entry) + 8 + page * 4, LITTLE_ENDIAN) & 0xFFFF_FFFFL :
            buffer.getLong(entryOffset(entry) + 8 + page * 8, LITTLE_ENDIAN);
    }

    /** @return true when a PAGE_HASHES frame carries 32-bit hashes. */
    public boolean hash32()
    {
        return (listFlags() & DELTA_FLAG_HASH32) != 0;
    }

    private int entryOffset(final int entry)
    {
        return offset + LIST_ENTRIES_OFFSET + entry * entryLength(listFlags());
    }

    private static int entryLength(final int flags)
    {
        return (flags & DELTA_FLAG_HASH32) != 0 ? PAGE_HASHES_ENTRY_LENGTH_32 : PAGE_HASHES_ENTRY_LENGTH;
    }

    private long count(final int at)
    {
        return buffer.getInt(offset + at, LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    private void checkFlags(final int at, final int known)
    {
        final int flags = buffer.getInt(offset + at, LITTLE_ENDIAN);
        if ((flags & ~known) != 0)
        {
            throw new LayoutException("unknown flags in " + ProtocolDescriptor.typeName(type()) + ": flags=" + flags);
        }
    }
}
