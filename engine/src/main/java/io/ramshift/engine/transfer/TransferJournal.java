package io.ramshift.engine.transfer;

import io.ramshift.engine.DestinationException;
import io.ramshift.layout.JournalDescriptor;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import static io.ramshift.layout.JournalDescriptor.*;

/**
 * The journal of a destination being received ({@code DEST.rsjournal}, see {@link JournalDescriptor}): synced
 * before the first page is written and deleted only once the destination verified, so a destination whose
 * transfer was interrupted says so — to {@code inspect}, {@code verify} and whoever looks — until a later session
 * (e.g. {@code --delta}, which sends only what is missing) completes it.
 */
public final class TransferJournal
{
    private final Path path;

    private TransferJournal(final Path path)
    {
        this.path = path;
    }

    /**
     * @param destination a destination file.
     * @return where its journal lives.
     */
    public static Path pathFor(final Path destination)
    {
        return destination.resolveSibling(destination.getFileName() + SUFFIX);
    }

    /**
     * Record that a session begins writing a destination (counting earlier unfinished attempts).
     *
     * @param destination the destination file.
     * @param imageSize   bytes of the image.
     * @param sessionId   the session.
     * @return the journal, to complete after verification.
     */
    public static TransferJournal begin(final Path destination, final long imageSize, final long sessionId)
    {
        final Path path = pathFor(destination);
        final Entry earlier = read(path);
        final long attempts = earlier != null && earlier.imageSize == imageSize ? earlier.attempts + 1 : 1;
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(LENGTH, 64).order(ByteOrder.LITTLE_ENDIAN);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putLong(MAGIC_OFFSET, MAGIC, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(VERSION_OFFSET, (short)VERSION, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(PAGE_SIZE_OFFSET, io.ramshift.engine.image.MappedImage.PAGE_SIZE, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(IMAGE_SIZE_OFFSET, imageSize, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(SESSION_ID_OFFSET, sessionId, ByteOrder.LITTLE_ENDIAN);
        final Instant now = Instant.now();
        buffer.putLong(STARTED_OFFSET, now.getEpochSecond() * 1_000_000_000L + now.getNano(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(ATTEMPTS_OFFSET, attempts, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(CHECKSUM_OFFSET, ImageDigest.bytesHash(buffer.addressOffset(), CHECKSUM_OFFSET),
            ByteOrder.LITTLE_ENDIAN);
        final Path temp = path.resolveSibling(path.getFileName() + ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new TransferJournal(path);
        }
        catch (final IOException ex)
        {
            throw new DestinationException("cannot write the transfer journal: path=" + path + ": " +
                ex.getMessage(), ex);
        }
    }

    /**
     * The destination verified: remove the journal.
     */
    public void complete()
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ex)
        {
            throw new DestinationException("cannot remove the transfer journal: path=" + path + ": " +
                ex.getMessage(), ex);
        }
    }

    /**
     * @param destination a destination file.
     * @return one line describing the interrupted transfer its journal records, or null when there is none.
     */
    public static String describe(final Path destination)
    {
        final Path path = pathFor(destination);
        if (!Files.exists(path))
        {
            return null;
        }
        final Entry entry = read(path);
        if (entry == null)
        {
            return "INCOMPLETE: an unreadable transfer journal " + path + " is there (an interrupted transfer)";
        }
        return "INCOMPLETE: an interrupted transfer left " + path + " (" + entry.attempts + " attempt(s), the " +
            "latest session " + Long.toHexString(entry.sessionId) + " began " +
            Instant.ofEpochSecond(0, entry.startedNanos) + "); run the copy again (--delta sends only what is missing)";
    }

    private record Entry(long imageSize, long sessionId, long startedNanos, long attempts)
    {
    }

    private static Entry read(final Path path)
    {
        try
        {
            if (!Files.exists(path) || Files.size(path) != LENGTH)
            {
                return null;
            }
            final ByteBuffer bytes = BufferUtil.allocateDirectAligned(LENGTH, 64).order(ByteOrder.LITTLE_ENDIAN);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
            {
                while (bytes.hasRemaining() && channel.read(bytes) >= 0)
                {
                    // read all 64 bytes
                }
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            if (buffer.getLong(MAGIC_OFFSET, ByteOrder.LITTLE_ENDIAN) != MAGIC ||
                buffer.getShort(VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN) != VERSION ||
                buffer.getLong(CHECKSUM_OFFSET, ByteOrder.LITTLE_ENDIAN) !=
                    ImageDigest.bytesHash(buffer.addressOffset(), CHECKSUM_OFFSET))
            {
                return null;
            }
            return new Entry(buffer.getLong(IMAGE_SIZE_OFFSET, ByteOrder.LITTLE_ENDIAN),
                buffer.getLong(SESSION_ID_OFFSET, ByteOrder.LITTLE_ENDIAN),
                buffer.getLong(STARTED_OFFSET, ByteOrder.LITTLE_ENDIAN),
                buffer.getLong(ATTEMPTS_OFFSET, ByteOrder.LITTLE_ENDIAN));
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
