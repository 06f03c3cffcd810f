package io.ramshift.engine.transfer;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.layout.JournalDescriptor;
import io.ramshift.layout.ResumeDescriptor;
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
import java.util.Locale;

import static io.ramshift.layout.JournalDescriptor.*;

/**
 * The journal of a destination being received ({@code DEST.rsjournal}, see {@link JournalDescriptor}): synced
 * before the first page is written, its durable-page bitmap set at checkpoints (after the data was fsynced) and
 * deleted only once the destination verified, so a destination whose transfer was interrupted says so — to
 * {@code inspect}, {@code verify} and whoever looks — and a later session of the same source sends only the pages
 * the journal does not hold as durable.
 */
public final class TransferJournal implements AutoCloseable
{
    /** Bitmap words written per positional write at a checkpoint. */
    private static final int WRITE_WORDS = 8192;

    private final Path path;
    private final long pageCount;
    private final long[] durable;
    private final boolean recording;
    private FileChannel channel;
    private ByteBuffer writeBuffer;
    private long durablePages;

    private TransferJournal(final Path path, final long pageCount, final long[] durable, final boolean recording,
        final FileChannel channel)
    {
        this.path = path;
        this.pageCount = pageCount;
        this.durable = durable;
        this.recording = recording;
        this.channel = channel;
        long count = 0;
        for (final long word : durable)
        {
            count += Long.bitCount(word);
        }
        this.durablePages = count;
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
     * What a destination's journal says about resuming a source.
     *
     * @param status        one of {@code ResumeDescriptor.STATUS_*}.
     * @param reason        why not resuming (or "resuming"), for people.
     * @param durable       the durable-page bitmap when resuming, else null.
     * @param durablePages  pages set in it.
     * @param attempts      sessions the journal counts (0 without a journal).
     */
    public record Lookup(int status, String reason, long[] durable, long durablePages, long attempts)
    {
    }

    /**
     * Read the journal of {@code destination} for a session of the source {@code identity}.
     *
     * @param destination the destination file.
     * @param imageSize   bytes of the image.
     * @param pageCount   pages of the image.
     * @param identity    the source's identity (not 0).
     * @return what the journal allows.
     */
    public static Lookup lookUp(final Path destination, final long imageSize, final long pageCount,
        final long identity)
    {
        final Path path = pathFor(destination);
        if (!Files.exists(path))
        {
            return new Lookup(ResumeDescriptor.STATUS_NO_JOURNAL, "no journal at " + path, null, 0, 0);
        }
        final Header header;
        try
        {
            header = Header.read(path);
        }
        catch (final DestinationException ex)
        {
            return new Lookup(ResumeDescriptor.STATUS_UNREADABLE, ex.getMessage(), null, 0, 0);
        }
        if (header.imageSize != imageSize || header.pageCount != pageCount)
        {
            return new Lookup(ResumeDescriptor.STATUS_IDENTITY_DIFFERS, "journal " + path + " is of another image: " +
                "imageSize=" + header.imageSize + " pages=" + header.pageCount + " expected imageSize=" + imageSize +
                " pages=" + pageCount, null, 0, header.attempts);
        }
        if (header.identity == 0 || header.identity != identity)
        {
            return new Lookup(ResumeDescriptor.STATUS_IDENTITY_DIFFERS, "journal " + path + " records another " +
                "source: identity=" + Long.toHexString(header.identity) + " offered=" + Long.toHexString(identity),
                null, 0, header.attempts);
        }
        return new Lookup(ResumeDescriptor.STATUS_RESUMING, "resuming", header.durable, header.durablePages,
            header.attempts);
    }

    /**
     * Record that a session begins writing a destination (counting earlier unfinished attempts): the header and
     * the bitmap are written to a temporary file, synced and renamed over the journal.
     *
     * @param destination the destination file.
     * @param imageSize   bytes of the image.
     * @param pageCount   pages of the image.
     * @param sessionId   the session.
     * @param identity    the source's identity; 0 = this session marks nothing durable.
     * @param durable     durable pages kept from the journal being resumed, or null for none.
     * @return the journal, to checkpoint and to complete after verification.
     */
    public static TransferJournal begin(final Path destination, final long imageSize, final long pageCount,
        final long sessionId, final long identity, final long[] durable)
    {
        final Path path = pathFor(destination);
        long attempts = 1;
        try
        {
            final Header earlier = Header.read(path);
            if (earlier.imageSize == imageSize)
            {
                attempts = earlier.attempts + 1;
            }
        }
        catch (final DestinationException ignore)
        {
            // no journal, or one no longer readable: this is the first attempt it counts
        }
        final long words = ResumeDescriptor.wordsFor(pageCount);
        if (words > Integer.MAX_VALUE - 16)
        {
            throw new DestinationException("image too large for a transfer journal: pages=" + pageCount);
        }
        final long[] bitmap = durable != null && identity != 0 ? durable : new long[(int)words];
        final Path temp = path.resolveSibling(path.getFileName() + ".tmp");
        try
        {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                writeFully(out, header(imageSize, pageCount, sessionId, identity, attempts), 0);
                writeWords(bitmap, 0, (int)words, out, newWriteBuffer());
                out.force(true);
            }
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            final FileChannel channel = identity != 0 ? FileChannel.open(path, StandardOpenOption.WRITE) : null;
            return new TransferJournal(path, pageCount, bitmap.clone(), identity != 0, channel);
        }
        catch (final IOException ex)
        {
            throw new DestinationException("cannot write the transfer journal: path=" + path + ": " +
                ex.getMessage(), ex);
        }
    }

    private static ByteBuffer header(final long imageSize, final long pageCount, final long sessionId,
        final long identity, final long attempts)
    {
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(HEADER_LENGTH, 64).order(ByteOrder.LITTLE_ENDIAN);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putLong(MAGIC_OFFSET, MAGIC, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(VERSION_OFFSET, (short)VERSION, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(PAGE_SIZE_OFFSET, MappedImage.PAGE_SIZE, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(IMAGE_SIZE_OFFSET, imageSize, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(PAGE_COUNT_OFFSET, pageCount, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(SESSION_ID_OFFSET, sessionId, ByteOrder.LITTLE_ENDIAN);
        final Instant now = Instant.now();
        buffer.putLong(STARTED_OFFSET, now.getEpochSecond() * 1_000_000_000L + now.getNano(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(ATTEMPTS_OFFSET, attempts, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(IDENTITY_OFFSET, identity, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(CHECKSUM_OFFSET, ImageDigest.bytesHash(buffer.addressOffset(), CHECKSUM_OFFSET),
            ByteOrder.LITTLE_ENDIAN);
        return bytes;
    }

    /** @return true when this session records durable pages (a resumable snapshot session). */
    public boolean recording()
    {
        return recording;
    }

    /** @return pages the journal holds as durable. */
    public long durablePages()
    {
        return durablePages;
    }

    /** @return pages of the image. */
    public long pageCount()
    {
        return pageCount;
    }

    /**
     * Mark pages durable: call only after the data of every page set in {@code written} was fsynced. Writes the
     * bitmap words that changed in place, then forces the journal.
     *
     * @param written words of a bitmap of pages written before that fsync.
     */
    public synchronized void checkpoint(final long[] written)
    {
        if (!recording || channel == null)
        {
            return;
        }
        try
        {
            int w = 0;
            final int n = durable.length;
            boolean changed = false;
            while (w < n)
            {
                if ((written[w] & ~durable[w]) == 0)
                {
                    w++;
                    continue;
                }
                // a run of changed words, written with one positional write
                int end = w;
                while (end < n && end - w < WRITE_WORDS && (written[end] & ~durable[end]) != 0)
                {
                    durablePages += Long.bitCount(written[end] & ~durable[end]);
                    durable[end] |= written[end];
                    end++;
                }
                if (writeBuffer == null)
                {
                    writeBuffer = newWriteBuffer();
                }
                writeWords(durable, w, end - w, channel, writeBuffer);
                changed = true;
                w = end;
            }
            if (changed)
            {
                channel.force(false);
            }
        }
        catch (final IOException ex)
        {
            throw new DestinationException("cannot update the transfer journal: path=" + path + ": " +
                ex.getMessage(), ex);
        }
    }

    private static ByteBuffer newWriteBuffer()
    {
        return ByteBuffer.allocateDirect(WRITE_WORDS * 8).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void writeWords(final long[] words, final int first, final int count, final FileChannel out,
        final ByteBuffer writeBuffer) throws IOException
    {
        int done = 0;
        while (done < count)
        {
            final int n = Math.min(WRITE_WORDS, count - done);
            writeBuffer.clear();
            for (int i = 0; i < n; i++)
            {
                writeBuffer.putLong(words[first + done + i]);
            }
            writeBuffer.flip();
            writeFully(out, writeBuffer, wordOffset((long)(first + done) << 6));
            done += n;
        }
    }

    private static void writeFully(final FileChannel out, final ByteBuffer bytes, final long position)
        throws IOException
    {
        long at = position;
        while (bytes.hasRemaining())
        {
            at += out.write(bytes, at);
        }
    }

    /**
     * The durable pages turned out not to hold the source's bytes: forget them (the journal stays, so the
     * destination stays incomplete, but records nothing durable).
     */
    public synchronized void invalidate()
    {
        close();
        try
        {
            final Header header = Header.read(path);
            final TransferJournal fresh = begin(pathFromJournal(path), header.imageSize, header.pageCount,
                header.sessionId, 0, null);
            fresh.close();
        }
        catch (final DestinationException ex)
        {
            // unreadable already: nothing left to trust in it
            try
            {
                Files.deleteIfExists(path);
            }
            catch (final IOException ignore)
            {
                // a missing journal trusts nothing either... but would call the destination complete
            }
        }
    }

    private static Path pathFromJournal(final Path journal)
    {
        final String name = journal.getFileName().toString();
        return journal.resolveSibling(name.substring(0, name.length() - SUFFIX.length()));
    }

    /**
     * The destination verified: remove the journal.
     */
    public synchronized void complete()
    {
        close();
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

    /** Release the journal file (it stays on disk). */
    public synchronized void close()
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // nothing left to release
            }
            channel = null;
        }
    }

    /**
     * What a destination's journal records, for {@code inspect} and {@code verify}.
     *
     * @param path         of the journal.
     * @param readable     false when it is unreadable (then only {@code problem} is set).
     * @param problem      why it is unreadable, or null.
     * @param pages        pages of the image.
     * @param durablePages pages written and fsynced.
     * @param sessionId    the latest session.
     * @param attempts     sessions begun since the last verified one.
     * @param startedNanos epoch ns the latest session began.
     */
    public record State(Path path, boolean readable, String problem, long pages, long durablePages, long sessionId,
        long attempts, long startedNanos)
    {
        /** @return durable pages in percent of the image. */
        public double durablePercent()
        {
            return pages == 0 ? 0 : 100.0 * durablePages / pages;
        }
    }

    /**
     * @param destination a destination file.
     * @return what its journal records, or null when there is none.
     */
    public static State state(final Path destination)
    {
        final Path path = pathFor(destination);
        if (!Files.exists(path))
        {
            return null;
        }
        try
        {
            final Header header = Header.read(path);
            return new State(path, true, null, header.pageCount, header.durablePages, header.sessionId,
                header.attempts, header.startedNanos);
        }
        catch (final DestinationException ex)
        {
            return new State(path, false, ex.getMessage(), 0, 0, 0, 0, 0);
        }
    }

    /**
     * @param destination a destination file.
     * @return one line describing the interrupted transfer its journal records, or null when there is none.
     */
    public static String describe(final Path destination)
    {
        final State state = state(destination);
        if (state == null)
        {
            return null;
        }
        if (!state.readable())
        {
            return "INCOMPLETE: an unreadable transfer journal " + state.path() + " is there (an interrupted " +
                "transfer; " + state.problem() + "); run the copy again";
        }
        return String.format(Locale.ROOT, "INCOMPLETE: an interrupted transfer left %s: durable pages %d of %d " +
            "(%.1f%%), %d attempt(s), the latest session %s began %s; run the same copy again (it resumes, only the " +
            "missing pages travel)", state.path(), state.durablePages(), state.pages(), state.durablePercent(),
            state.attempts(), Long.toHexString(state.sessionId()), Instant.ofEpochSecond(0, state.startedNanos()));
    }

    /** The header and bitmap of a journal on disk, every field checked. */
    private static final class Header
    {
        long imageSize;
        long pageCount;
        long sessionId;
        long startedNanos;
        long attempts;
        long identity;
        long[] durable;
        long durablePages;

        static Header read(final Path path)
        {
            try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ))
            {
                final long size = in.size();
                final ByteBuffer bytes = BufferUtil.allocateDirectAligned(HEADER_LENGTH, 64)
                    .order(ByteOrder.LITTLE_ENDIAN);
                bytes.limit((int)Math.min(size, HEADER_LENGTH));
                readFully(in, bytes, 0);
                final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
                if (size < VERSION_OFFSET + 2 || buffer.getLong(MAGIC_OFFSET, ByteOrder.LITTLE_ENDIAN) != MAGIC)
                {
                    throw new DestinationException("not a transfer journal: path=" + path + " size=" + size);
                }
                final int version = buffer.getShort(VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                if (version != VERSION)
                {
                    throw new DestinationException("transfer journal of version " + version + " (this ramshift " +
                        "reads " + VERSION + "; it records no durable pages it can trust): path=" + path);
                }
                if (size < HEADER_LENGTH || buffer.getLong(CHECKSUM_OFFSET, ByteOrder.LITTLE_ENDIAN) !=
                    ImageDigest.bytesHash(buffer.addressOffset(), CHECKSUM_OFFSET))
                {
                    throw new DestinationException("transfer journal header corrupt (checksum): path=" + path +
                        " size=" + size);
                }
                final Header header = new Header();
                header.imageSize = buffer.getLong(IMAGE_SIZE_OFFSET, ByteOrder.LITTLE_ENDIAN);
                header.pageCount = buffer.getLong(PAGE_COUNT_OFFSET, ByteOrder.LITTLE_ENDIAN);
                header.sessionId = buffer.getLong(SESSION_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
                header.startedNanos = buffer.getLong(STARTED_OFFSET, ByteOrder.LITTLE_ENDIAN);
                header.attempts = buffer.getLong(ATTEMPTS_OFFSET, ByteOrder.LITTLE_ENDIAN);
                header.identity = buffer.getLong(IDENTITY_OFFSET, ByteOrder.LITTLE_ENDIAN);
                final int pageSize = buffer.getInt(PAGE_SIZE_OFFSET, ByteOrder.LITTLE_ENDIAN);
                if (pageSize != MappedImage.PAGE_SIZE || header.pageCount < 0 ||
                    header.pageCount != (header.imageSize + pageSize - 1) / pageSize ||
                    ResumeDescriptor.wordsFor(header.pageCount) > Integer.MAX_VALUE - 16)
                {
                    throw new DestinationException("transfer journal of an unusable geometry: path=" + path +
                        " pageSize=" + pageSize + " imageSize=" + header.imageSize + " pages=" + header.pageCount);
                }
                final long expected = lengthFor(header.pageCount);
                if (size != expected)
                {
                    throw new DestinationException("transfer journal of the wrong size (truncated?): path=" + path +
                        " size=" + size + " expected=" + expected + " pages=" + header.pageCount);
                }
                final int words = (int)ResumeDescriptor.wordsFor(header.pageCount);
                final ByteBuffer bitmap = ByteBuffer.allocateDirect(Math.max(8, words * 8))
                    .order(ByteOrder.LITTLE_ENDIAN);
                bitmap.limit(words * 8);
                readFully(in, bitmap, HEADER_LENGTH);
                bitmap.flip();
                header.durable = new long[words];
                long count = 0;
                for (int i = 0; i < words; i++)
                {
                    header.durable[i] = bitmap.getLong();
                    count += Long.bitCount(header.durable[i]);
                }
                if (words > 0 && (header.pageCount & 63) != 0 &&
                    (header.durable[words - 1] & (-1L << (header.pageCount & 63))) != 0)
                {
                    throw new DestinationException("transfer journal marks pages past the image end: path=" + path +
                        " pages=" + header.pageCount);
                }
                header.durablePages = count;
                return header;
            }
            catch (final IOException ex)
            {
                throw new DestinationException("cannot read the transfer journal: path=" + path + ": " +
                    ex.getMessage(), ex);
            }
        }

        private static void readFully(final FileChannel in, final ByteBuffer bytes, final long position)
            throws IOException
        {
            long at = position;
            while (bytes.hasRemaining())
            {
                final int n = in.read(bytes, at);
                if (n < 0)
                {
                    throw new IOException("end of file at " + at);
                }
                at += n;
            }
        }
    }
}
