package io.ramshift.layout;

import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static io.ramshift.layout.Elf64NoteDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of one ELF note (see {@link Elf64NoteDescriptor}); sizes are unsigned u32 returned as {@code long}.
 */
public final class Elf64NoteFlyweight
{
    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * @param buffer holding the note.
     * @param offset of the note header.
     * @return this for a fluent API.
     */
    public Elf64NoteFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Write a note header and its NUL-terminated, zero-padded name; the descriptor is zero-filled for the caller to
     * write at {@link #descOffset()}.
     *
     * @param name       of the note owner, e.g. "CORE" (ASCII, without the NUL).
     * @param type       n_type.
     * @param descLength n_descsz.
     * @return this for a fluent API.
     */
    public Elf64NoteFlyweight encode(final String name, final int type, final int descLength)
    {
        final byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        final int nameSize = nameBytes.length + 1;
        buffer.putInt(offset + NAME_SIZE_OFFSET, nameSize, LITTLE_ENDIAN);
        buffer.putInt(offset + DESC_SIZE_OFFSET, descLength, LITTLE_ENDIAN);
        buffer.putInt(offset + TYPE_OFFSET, type, LITTLE_ENDIAN);
        buffer.setMemory(offset + HEADER_LENGTH, (int)(noteLength(nameSize, descLength) - HEADER_LENGTH), (byte)0);
        buffer.putBytes(offset + HEADER_LENGTH, nameBytes);
        return this;
    }

    /**
     * Check that the note, name and descriptor, lies within the bytes left in its segment (the descriptor's
     * trailing padding may be missing on the last note); throws {@link LayoutException} naming the sizes.
     *
     * @param remaining bytes from the note's start to the end of its segment.
     * @return this for a fluent API.
     */
    public Elf64NoteFlyweight validate(final long remaining)
    {
        if (remaining < HEADER_LENGTH)
        {
            throw new LayoutException("ELF note header past segment end: remaining=" + remaining +
                " header=" + HEADER_LENGTH);
        }
        final long unpaddedEnd = HEADER_LENGTH + padded(nameSize()) + descSize();
        if (unpaddedEnd > remaining)
        {
            throw new LayoutException("ELF note past segment end: n_namesz=" + nameSize() + " n_descsz=" +
                descSize() + " length=" + unpaddedEnd + " remaining=" + remaining);
        }
        return this;
    }

    /** @return n_namesz: bytes of the name, NUL included. */
    public long nameSize()
    {
        return buffer.getInt(offset + NAME_SIZE_OFFSET, LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    /** @return n_descsz: bytes of the descriptor. */
    public long descSize()
    {
        return buffer.getInt(offset + DESC_SIZE_OFFSET, LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    /** @return n_type. */
    public int type()
    {
        return buffer.getInt(offset + TYPE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return offset of the name in the buffer. */
    public int nameOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /** @return offset of the descriptor in the buffer (valid after {@link #validate(long)}). */
    public int descOffset()
    {
        return (int)(offset + HEADER_LENGTH + padded(nameSize()));
    }

    /** @return bytes of the whole note, padding included (valid after {@link #validate(long)}). */
    public long length()
    {
        return noteLength(nameSize(), descSize());
    }

    /** @return the owner name without its NUL terminator, ASCII (valid after {@link #validate(long)}). */
    public String name()
    {
        int length = (int)nameSize();
        while (length > 0 && buffer.getByte(offset + HEADER_LENGTH + length - 1) == 0)
        {
            length--;
        }
        return buffer.getStringWithoutLengthAscii(offset + HEADER_LENGTH, length);
    }
}
