package io.ramshift.engine.transfer;

import io.ramshift.layout.JournalDescriptor;
import io.ramshift.layout.ResumeDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.ramshift.layout.JournalDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The v2 journal byte by byte: the header as {@code begin} writes it, bitmap words as checkpoints set them, and
 * what a later session may trust of it.
 */
class TransferJournalTest
{
    private static final long PAGES = 130;
    private static final long SIZE = PAGES * 4096;
    private static final long IDENTITY = 0xABCD_EF01_2345_6789L;

    @TempDir
    Path dir;

    @Test
    void shouldWriteTheHeaderAndBitmapAtTheDocumentedOffsets() throws IOException
    {
        final Path destination = dir.resolve("dst.img");
        try (TransferJournal journal = TransferJournal.begin(destination, SIZE, PAGES, 0x5E55L, IDENTITY, null))
        {
            final long[] written = new long[3];
            written[0] = 1L;                 // page 0
            written[2] = 1L << 1;            // page 129, the last
            journal.checkpoint(written);
            written[1] = 1L << 63;           // page 127
            journal.checkpoint(written);
            assertEquals(3, journal.durablePages());
        }

        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(TransferJournal.pathFor(destination)))
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(JournalDescriptor.lengthFor(PAGES), bytes.capacity());
        assertEquals(80 + 3 * 8, bytes.capacity());
        assertEquals("RSJOURNL", new String(bytes.array(), 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(2, bytes.getShort(VERSION_OFFSET));
        assertEquals(0, bytes.getShort(VERSION_OFFSET + 2));
        assertEquals(4096, bytes.getInt(PAGE_SIZE_OFFSET));
        assertEquals(SIZE, bytes.getLong(IMAGE_SIZE_OFFSET));
        assertEquals(PAGES, bytes.getLong(PAGE_COUNT_OFFSET));
        assertEquals(0x5E55L, bytes.getLong(SESSION_ID_OFFSET));
        assertEquals(1, bytes.getLong(ATTEMPTS_OFFSET));
        assertEquals(IDENTITY, bytes.getLong(IDENTITY_OFFSET));
        assertEquals(0, bytes.getLong(IDENTITY_OFFSET + 8));
        final java.nio.ByteBuffer direct = ByteBuffer.allocateDirect(CHECKSUM_OFFSET);
        direct.put(bytes.array(), 0, CHECKSUM_OFFSET);
        assertEquals(ImageDigest.bytesHash(org.agrona.BufferUtil.address(direct), CHECKSUM_OFFSET),
            bytes.getLong(CHECKSUM_OFFSET));
        assertEquals(1L, bytes.getLong(80));
        assertEquals(1L << 63, bytes.getLong(88));
        assertEquals(1L << 1, bytes.getLong(96));
    }

    @Test
    void shouldResumeOnlyTheSameSourceAndCountTheAttempts()
    {
        final Path destination = dir.resolve("dst.img");
        try (TransferJournal journal = TransferJournal.begin(destination, SIZE, PAGES, 1, IDENTITY, null))
        {
            journal.checkpoint(new long[] {-1L, 0, 0});
        }

        final TransferJournal.Lookup same = TransferJournal.lookUp(destination, SIZE, PAGES, IDENTITY);
        assertEquals(ResumeDescriptor.STATUS_RESUMING, same.status());
        assertEquals(64, same.durablePages());
        assertArrayEquals(new long[] {-1L, 0, 0}, same.durable());
        assertEquals(ResumeDescriptor.STATUS_IDENTITY_DIFFERS,
            TransferJournal.lookUp(destination, SIZE, PAGES, IDENTITY + 1).status());
        assertEquals(ResumeDescriptor.STATUS_IDENTITY_DIFFERS,
            TransferJournal.lookUp(destination, SIZE + 4096, PAGES + 1, IDENTITY).status());

        // resumed: the bits stay, the attempt is counted
        TransferJournal.begin(destination, SIZE, PAGES, 2, IDENTITY, same.durable()).close();
        final TransferJournal.State state = TransferJournal.state(destination);
        assertEquals(2, state.attempts());
        assertEquals(64, state.durablePages());
        assertTrue(TransferJournal.describe(destination).contains("durable pages 64 of 130 (49.2%)"),
            TransferJournal.describe(destination));
    }

    @Test
    void shouldMarkNothingDurableInASessionWithoutASourceIdentity()
    {
        final Path destination = dir.resolve("dst.img");
        try (TransferJournal journal = TransferJournal.begin(destination, SIZE, PAGES, 1, 0, null))
        {
            journal.checkpoint(new long[] {-1L, -1L, 3});
            assertEquals(0, journal.durablePages());
        }
        assertEquals(0, TransferJournal.state(destination).durablePages());
        assertEquals(ResumeDescriptor.STATUS_IDENTITY_DIFFERS,
            TransferJournal.lookUp(destination, SIZE, PAGES, IDENTITY).status());
    }

    @Test
    void shouldForgetEveryDurablePageWhenInvalidatedButStayIncomplete()
    {
        final Path destination = dir.resolve("dst.img");
        final TransferJournal journal = TransferJournal.begin(destination, SIZE, PAGES, 1, IDENTITY, null);
        journal.checkpoint(new long[] {-1L, -1L, 3});

        journal.invalidate();

        assertEquals(0, TransferJournal.state(destination).durablePages());
        assertTrue(TransferJournal.describe(destination).startsWith("INCOMPLETE"));
        journal.complete();
        assertNull(TransferJournal.state(destination));
    }
}
