package io.ramshift.layout;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Fuzzes every frame validator over arbitrary bytes: the input is one frame, placed at a non-zero offset in a
 * buffer that ends where the frame ends and with its length field set to its size (what {@code FrameChannel}
 * guarantees: the whole frame was read). Each validator must accept it or throw {@link LayoutException}; reading
 * outside the frame (an {@code IndexOutOfBoundsException} from the bounds-checked buffer), any other throwable, or an
 * accepted frame whose parts do not fit in it is a finding.
 */
class FrameValidatorFuzzTest
{
    private static final int OFFSET = 16;
    /** The fuzzed sessions' image (two delta chunks) and one of 4 PiB. */
    private static final long[] PAGE_COUNTS = {600, 1L << 40};
    private static final long[] CHUNK_COUNTS = {2, 1L << 31};
    /** Chunks of the largest image a HELLO can announce (2^63 bytes). */
    private static final long MAX_CHUNKS = Long.MAX_VALUE / ProtocolDescriptor.DEFAULT_PAGE_SIZE /
        ProtocolDescriptor.DELTA_CHUNK_PAGES + 1;

    private static final Map<String, Integer> REJECTIONS = new TreeMap<>();
    private static final long START_NANOS = System.nanoTime();
    private static long executions;
    private static long accepted;
    private static long findings;

    private final HelloFlyweight hello = new HelloFlyweight();
    private final HelloAckFlyweight helloAck = new HelloAckFlyweight();
    private final RunBatchFlyweight batch = new RunBatchFlyweight();
    private final EndFlyweight end = new EndFlyweight();
    private final ResultFlyweight result = new ResultFlyweight();
    private final ErrorFlyweight error = new ErrorFlyweight();
    private final DeviceStateFlyweight deviceState = new DeviceStateFlyweight();
    private final DeltaFrameFlyweight delta = new DeltaFrameFlyweight();
    private final ResumeFlyweight resume = new ResumeFlyweight();
    private final PostcopyPagesFlyweight postcopyPages = new PostcopyPagesFlyweight();
    private final PostcopyBitmapFlyweight postcopyBitmap = new PostcopyBitmapFlyweight();
    private final PostcopyDemandFlyweight postcopyDemand = new PostcopyDemandFlyweight();
    private final PostcopyAckFlyweight postcopyAck = new PostcopyAckFlyweight();

    private int length;
    private int type;
    private boolean anyAccepted;

    @FuzzTest(maxDuration = "10s")
    void shouldFailEveryMalformedFrameWithLayoutException(final byte[] input)
    {
        length = Math.max(FrameHeaderDescriptor.HEADER_LENGTH, input.length);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[OFFSET + length]);
        buffer.putBytes(OFFSET, input);
        buffer.putInt(OFFSET + FrameHeaderDescriptor.FRAME_LENGTH_OFFSET, length, LITTLE_ENDIAN);
        type = buffer.getShort(OFFSET + FrameHeaderDescriptor.TYPE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        anyAccepted = false;
        executions++;

        check("HELLO", () ->
        {
            hello.wrap(buffer, OFFSET);
            hello.validate();
            inFrame(hello.pageCount() == hello.imageSize() / hello.pageSize(), "HELLO page count");
        });
        check("HELLO_ACK", () ->
        {
            helloAck.wrap(buffer, OFFSET);
            helloAck.validate(length >= HelloAckDescriptor.LENGTH ? helloAck.sessionId() : 0);
        });
        for (final long pages : PAGE_COUNTS)
        {
            check("RUN_BATCH", () -> checkBatch(buffer, pages));
        }
        check("END", () ->
        {
            end.wrap(buffer, OFFSET);
            end.validate();
            end.digest();
        });
        check("RESULT", () ->
        {
            result.wrap(buffer, OFFSET);
            result.validate();
            result.bytesWritten();
        });
        check("ERROR", () ->
        {
            error.wrap(buffer, OFFSET);
            error.validate();
            inFrame(error.message().getBytes(StandardCharsets.UTF_8).length <= 3 *
                ProtocolDescriptor.MAX_ERROR_MESSAGE_LENGTH, "ERROR message");
        });
        for (final long pages : PAGE_COUNTS)
        {
            check("RESUME", () ->
            {
                resume.wrap(buffer, OFFSET);
                resume.validateOffer(pages);
            });
            check("RESUME", () ->
            {
                resume.wrap(buffer, OFFSET);
                resume.validateMap(length >= ResumeDescriptor.WORDS_OFFSET ? resume.identity() : 0, pages,
                    length >= ResumeDescriptor.WORDS_OFFSET ? resume.firstWord() : 0);
                final int words = resume.wordCount();
                inFrame(ResumeDescriptor.WORDS_OFFSET + words * 8L == length, "RESUME words");
                if (words > 0)
                {
                    resume.word(words - 1);
                }
            });
        }
        check("DEVICE_STATE", () -> checkDeviceState(buffer, 0, -1));
        if (length >= DeviceStateDescriptor.PAYLOAD_OFFSET)
        {
            // as the continuation of a state whose earlier chunks arrived (what a receiver can expect: an offset
            // and a total within the limit)
            final long chunkOffset = buffer.getLong(OFFSET + DeviceStateDescriptor.CHUNK_OFFSET_OFFSET, LITTLE_ENDIAN);
            final long total = buffer.getLong(OFFSET + DeviceStateDescriptor.TOTAL_LENGTH_OFFSET, LITTLE_ENDIAN);
            if (0 <= chunkOffset && chunkOffset <= total && total <= ProtocolDescriptor.MAX_DEVICE_STATE_LENGTH)
            {
                check("DEVICE_STATE", () -> checkDeviceState(buffer, chunkOffset, total));
            }
        }
        for (final long chunks : CHUNK_COUNTS)
        {
            check("DEST_SUMMARY", () -> checkSummary(buffer, chunks, 0));
            check("CHUNK_REQUEST", () -> checkRequest(buffer, chunks, -1));
        }
        if (length >= DeltaFrameDescriptor.SUMMARY_HASHES_OFFSET)
        {
            final long total = buffer.getLong(OFFSET + DeltaFrameDescriptor.SUMMARY_TOTAL_CHUNKS_OFFSET,
                LITTLE_ENDIAN);
            final long first = buffer.getLong(OFFSET + DeltaFrameDescriptor.SUMMARY_FIRST_CHUNK_OFFSET,
                LITTLE_ENDIAN);
            // as a later frame of a summary (what a sender can expect: the chunks of an image, those received)
            if (0 < total && total <= MAX_CHUNKS && 0 <= first && first <= total)
            {
                check("DEST_SUMMARY", () -> checkSummary(buffer, total, first));
            }
        }
        check("PAGE_HASHES", () -> checkPageHashes(buffer));
        for (final long pages : PAGE_COUNTS)
        {
            check("POSTCOPY_PAGES", () -> checkPostcopyPages(buffer, pages));
            check("POSTCOPY_PENDING", () -> checkPostcopyBitmap(buffer, ProtocolDescriptor.TYPE_POSTCOPY_PENDING,
                pages));
            check("POSTCOPY_MISSING", () -> checkPostcopyBitmap(buffer, ProtocolDescriptor.TYPE_POSTCOPY_MISSING,
                pages));
            check("POSTCOPY_DEMAND", () ->
            {
                postcopyDemand.wrap(buffer, OFFSET);
                postcopyDemand.validateDemand(pages);
                inFrame(postcopyDemand.value() >= 0 && postcopyDemand.value() < pages, "demand inside the image");
            });
            check("POSTCOPY_DONE", () ->
            {
                postcopyDemand.wrap(buffer, OFFSET);
                postcopyDemand.validateDone(pages);
                inFrame(postcopyDemand.value() >= 0 && postcopyDemand.value() <= pages, "DONE pages of the image");
            });
            check("POSTCOPY_ACK", () ->
            {
                postcopyAck.wrap(buffer, OFFSET);
                postcopyAck.validate(pages);
                for (int i = 0; i < postcopyAck.runCount(); i++)
                {
                    final long first = postcopyAck.firstPage(i);
                    final long count = postcopyAck.pageCount(i);
                    inFrame(first >= 0 && count > 0 && first + count <= pages, "ACK run inside the image");
                }
            });
        }
        if (anyAccepted)
        {
            accepted++;
        }
    }

    @AfterAll
    static void report()
    {
        final String mode = fuzzing() ? "fuzzing" : "regression";
        final StringBuilder text = new StringBuilder(String.format("fuzz target frames (%s): %d executions in %.1f " +
            "s, %d accepted by a validator, %d kinds of rejection, %d findings%n", mode, executions,
            (System.nanoTime() - START_NANOS) / 1e9, accepted, REJECTIONS.size(), findings));
        REJECTIONS.forEach((reason, count) -> text.append(String.format("  %8d  %s%n", count, reason)));
        System.out.print(text);
        final Path dir = Paths.get(System.getProperty("ramshift.fuzz.reports", "target/fuzz-reports"));
        try
        {
            Files.createDirectories(dir);
            Files.write(dir.resolve("frames-" + mode + ".txt"), text.toString().getBytes(StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void checkPostcopyPages(final UnsafeBuffer buffer, final long pages)
    {
        postcopyPages.wrap(buffer, OFFSET);
        postcopyPages.validate(pages, ProtocolDescriptor.DEFAULT_PAGE_SIZE);
        final int entries = postcopyPages.entryCount();
        for (int i = 0; i < entries; i++)
        {
            inFrame(postcopyPages.page(i) >= 0 && postcopyPages.page(i) < pages, "post-copy page inside the image");
        }
        final long payload = postcopyPages.payloadLength(entries);
        inFrame(postcopyPages.dataOffset(entries) + payload == OFFSET + length, "post-copy payload ends at the end");
        final long raw = (long)postcopyPages.dataPages(entries) * ProtocolDescriptor.DEFAULT_PAGE_SIZE;
        inFrame(postcopyPages.encoding() == ProtocolDescriptor.ENCODING_RAW ? payload == raw :
            payload > 0 && payload < raw, "post-copy payload fits its DATA pages");
    }

    private void checkPostcopyBitmap(final UnsafeBuffer buffer, final int bitmapType, final long pages)
    {
        postcopyBitmap.wrap(buffer, OFFSET);
        // as the first chunk, and as the chunk that follows the ones before it (where its own first page says)
        final long first = length >= PostcopyBitmapDescriptor.WORDS_OFFSET ?
            buffer.getLong(OFFSET + PostcopyBitmapDescriptor.FIRST_PAGE_OFFSET, LITTLE_ENDIAN) : 0;
        postcopyBitmap.validate(bitmapType, pages, first >= 0 && (first & 63) == 0 && first < pages ? first : 0);
        final int words = postcopyBitmap.wordCount();
        inFrame(PostcopyBitmapDescriptor.WORDS_OFFSET + words * 8L == length, "bitmap words fill the frame");
        inFrame(postcopyBitmap.firstPage() + 64L * words <= ((pages + 63) & ~63L), "bitmap inside the image");
        postcopyBitmap.word(words - 1);
    }

    private void checkBatch(final UnsafeBuffer buffer, final long pages)
    {
        batch.wrap(buffer, OFFSET);
        batch.validateBody(ProtocolDescriptor.MAX_FRAME_LENGTH);
        batch.validateRuns(pages, ProtocolDescriptor.DEFAULT_PAGE_SIZE);
        long dataBytes = 0;
        for (int i = 0; i < batch.runCount(); i++)
        {
            final long first = batch.firstPage(i);
            final long count = batch.pageCount(i) & 0xFFFF_FFFFL;
            inFrame(first >= 0 && count > 0 && first + count <= pages, "run inside the image");
            if (batch.kind(i) == ProtocolDescriptor.RUN_DATA)
            {
                dataBytes += count * ProtocolDescriptor.DEFAULT_PAGE_SIZE;
            }
            else if (batch.kind(i) == ProtocolDescriptor.RUN_DUP || batch.kind(i) == ProtocolDescriptor.RUN_COPY)
            {
                inFrame(batch.reference(i) >= 0 && batch.reference(i) + count <= pages, "reference inside the image");
            }
        }
        inFrame(dataBytes == (batch.rawLength() & 0xFFFF_FFFFL), "data pages equal the raw length");
        inFrame((long)batch.payloadBufferOffset() + (batch.payloadLength() & 0xFFFF_FFFFL) == OFFSET + length,
            "payload ends at the frame's end");
    }

    private void checkDeviceState(final UnsafeBuffer buffer, final long expectedOffset, final long expectedTotal)
    {
        deviceState.wrap(buffer, OFFSET);
        deviceState.validate(expectedOffset, expectedTotal);
        final int chunk = deviceState.chunkLength();
        inFrame(deviceState.payloadBufferOffset() + chunk == OFFSET + length, "chunk ends at the frame's end");
        inFrame(deviceState.chunkOffset() + chunk <= deviceState.totalLength() &&
            deviceState.totalLength() <= ProtocolDescriptor.MAX_DEVICE_STATE_LENGTH, "chunk inside the state");
        buffer.getBytes(deviceState.payloadBufferOffset(), new byte[chunk]);
    }

    private void checkSummary(final UnsafeBuffer buffer, final long total, final long first)
    {
        delta.wrap(buffer, OFFSET);
        delta.validateSummary(total, first);
        final int count = delta.summaryCount();
        inFrame(delta.summaryFirstChunk() + count <= total, "summary inside the image");
        for (int i = 0; i < count; i++)
        {
            delta.summaryHash(i);
        }
    }

    private void checkRequest(final UnsafeBuffer buffer, final long total, final long previous)
    {
        delta.wrap(buffer, OFFSET);
        delta.validateRequest(total, previous);
        for (int i = 0; i < delta.listCount(); i++)
        {
            inFrame(delta.listLong(i) < total, "requested chunk inside the image");
        }
    }

    private void checkPageHashes(final UnsafeBuffer buffer)
    {
        delta.wrap(buffer, OFFSET);
        delta.validatePageHashes();
        for (int e = 0; e < delta.listCount(); e++)
        {
            delta.entryChunk(e);
            delta.entryHash(e, ProtocolDescriptor.DELTA_CHUNK_PAGES - 1);
        }
    }

    private void check(final String validator, final Runnable validation)
    {
        // every validator starts by refusing another type; one checks that for every input, the others run on
        // their own type only (an exception per validator per input would halve the executions)
        if (!"HELLO".equals(validator) && !validator.equals(ProtocolDescriptor.typeName(type)))
        {
            return;
        }
        try
        {
            validation.run();
            anyAccepted = true;
        }
        catch (final LayoutException ex)
        {
            REJECTIONS.merge(validator + ": " + reason(ex.getMessage()), 1, Integer::sum);
        }
        catch (final RuntimeException | Error ex)
        {
            findings++;
            System.out.println("FINDING in " + validator + " validation of a " + length + "-byte frame: " + ex);
            throw ex;
        }
    }

    /** The message up to its first colon, numbers replaced by N (no regex: the fuzzer hooks every one). */
    private static String reason(final String message)
    {
        final String text = String.valueOf(message);
        final int cut = text.indexOf(':');
        final StringBuilder reason = new StringBuilder();
        boolean inNumber = false;
        for (int i = 0, end = cut > 0 ? cut : text.length(); i < end; i++)
        {
            final char c = text.charAt(i);
            if (c >= '0' && c <= '9' && (inNumber || i == 0 || !Character.isLetter(text.charAt(i - 1))))
            {
                if (!inNumber)
                {
                    reason.append('N');
                }
                inNumber = true;
            }
            else if (!inNumber || !Character.isLetterOrDigit(c))
            {
                reason.append(c);
                inNumber = false;
            }
        }
        return reason.toString();
    }

    private static void inFrame(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new IllegalStateException("accepted frame breaks an invariant: " + what);
        }
    }

    private static boolean fuzzing()
    {
        final String env = System.getenv("JAZZER_FUZZ");
        final String property = System.getProperty("JAZZER_FUZZ");
        return env != null && !env.isEmpty() || property != null && !property.isEmpty();
    }
}
