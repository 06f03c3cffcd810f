package io.ramshift.engine.transfer;

import io.ramshift.engine.PeerErrorException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.layout.ProtocolDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fuzz corpus comes from real sessions and still means something: every kind of session is recorded over
 * loopback TCP and replays, byte for byte, into a verified transfer through the fuzz harnesses; the stored seeds
 * do too. With {@code -Dramshift.fuzz.writeCorpus=<repository root>} the recordings are written as the corpus:
 * <pre>
 * mvn -B -o test -pl native-layout,engine -am -Dtest=FuzzCorpusTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dramshift.fuzz.writeCorpus=$PWD
 * </pre>
 */
@ExtendWith(ResourceLeakExtension.class)
class FuzzCorpusTest
{
    /** Largest seed: the fuzzers mutate whole inputs, so small seeds keep executions fast. */
    private static final int MAX_SEED = 64 * 1024;
    private static final String RECEIVER_SEEDS =
        "engine/src/test/resources/io/ramshift/engine/transfer/ReceiverFuzzTestInputs/" +
        "shouldFailEveryMalformedSessionWithTheProjectsExceptions";
    private static final String SENDER_SEEDS =
        "engine/src/test/resources/io/ramshift/engine/transfer/SenderFuzzTestInputs/" +
        "shouldFailEveryMalformedReplyWithTheProjectsExceptions";
    private static final String STREAMS_SEEDS =
        "engine/src/test/resources/io/ramshift/engine/transfer/MultiStreamReceiverFuzzTestInputs/" +
        "shouldFailEveryMalformedMultiStreamSessionWithTheProjectsExceptions";
    private static final String FRAME_SEEDS =
        "native-layout/src/test/resources/io/ramshift/layout/FrameValidatorFuzzTestInputs/" +
        "shouldFailEveryMalformedFrameWithLayoutException";

    @TempDir
    Path dir;

    @Test
    void shouldRecordRealSessionsThatReplayToVerifiedTransfers() throws IOException
    {
        final Map<String, byte[]> receiverSeeds = new LinkedHashMap<>();
        final Map<String, byte[]> senderSeeds = new LinkedHashMap<>();
        for (final FuzzSessions.Session session : FuzzSessions.Session.values())
        {
            final Path destination = dir.resolve("dst-" + session.name().toLowerCase() + ".img");
            FuzzSessions.writeBaseline(destination);
            final FuzzSessions.Recording recording = FuzzSessions.record(session, dir, destination);
            assertVerified(recording);
            receiverSeeds.put("session-" + recording.name, recording.sent);
            if (session == FuzzSessions.Session.DELTA)
            {
                senderSeeds.put("replies-" + recording.name, recording.received);
                assertTrue(recording.sender.copyRuns > 0 && recording.sender.zeroPages > 0 &&
                    recording.sender.dataPages > 0, "delta session sends DATA, ZERO and COPY runs");
            }
        }
        final byte[] chunked = FuzzSessions.rechunkDeviceState(receiverSeeds.get("session-device_state"), 1000);
        assertEquals(3, FuzzSessions.frameTypes(chunked).get("DEVICE_STATE"));
        receiverSeeds.put("session-device_state-3-chunks", chunked);
        senderSeeds.putAll(deltaReplyVariants());

        for (final Map.Entry<String, byte[]> seed : receiverSeeds.entrySet())
        {
            assertTrue(seed.getValue().length < MAX_SEED, seed.getKey() + " " + seed.getValue().length + " bytes");
            assertTrue(ReceiverFuzzTest.replay(dir, seed.getValue()).verified, seed.getKey());
        }
        final Path source = FuzzSessions.writeSource(FuzzSessions.Session.DELTA, dir.resolve("replay-src.img"));
        for (final Map.Entry<String, byte[]> seed : senderSeeds.entrySet())
        {
            assertTrue(seed.getValue().length < MAX_SEED, seed.getKey() + " " + seed.getValue().length + " bytes");
            assertSenderReplay(source, seed.getKey(), seed.getValue());
        }

        final String root = System.getProperty("ramshift.fuzz.writeCorpus");
        if (root != null && !root.isEmpty())
        {
            writeCorpus(Paths.get(root), receiverSeeds, senderSeeds);
        }
    }

    @Test
    void shouldReplayTheStoredCorpusToVerifiedTransfers()
    {
        final Map<String, byte[]> receiverSeeds = stored(ReceiverFuzzTest.class,
            "shouldFailEveryMalformedSessionWithTheProjectsExceptions", "session-");
        final Map<String, byte[]> senderSeeds = stored(SenderFuzzTest.class,
            "shouldFailEveryMalformedReplyWithTheProjectsExceptions", "replies-");
        assertTrue(receiverSeeds.keySet().containsAll(List.of("session-plain", "session-lz4", "session-dup",
            "session-live", "session-delta", "session-device_state", "session-device_state-3-chunks")),
            receiverSeeds.keySet().toString());
        assertTrue(senderSeeds.size() >= 4, senderSeeds.keySet().toString());

        for (final Map.Entry<String, byte[]> seed : receiverSeeds.entrySet())
        {
            final TransferStats stats = ReceiverFuzzTest.replay(dir, seed.getValue());
            assertTrue(stats.verified, seed.getKey());
        }
        final Path source = FuzzSessions.writeSource(FuzzSessions.Session.DELTA, dir.resolve("replay-src.img"));
        for (final Map.Entry<String, byte[]> seed : senderSeeds.entrySet())
        {
            assertSenderReplay(source, seed.getKey(), seed.getValue());
        }
    }

    @Test
    void shouldRecordRealMultiStreamSessionsThatReplayToVerifiedTransfers() throws IOException
    {
        final Map<String, byte[]> seeds = new LinkedHashMap<>();
        final Map<String, List<byte[]>> streams = new LinkedHashMap<>();
        for (final FuzzSessions.StreamsSession session : FuzzSessions.StreamsSession.values())
        {
            final FuzzSessions.Recording recording = FuzzSessions.recordStreams(session, dir);
            assertVerified(recording);
            assertEquals(session.streams, recording.streamsSent.size());
            for (final byte[] stream : recording.streamsSent)
            {
                assertTrue(FuzzSessions.frameTypes(stream).getOrDefault("RUN_BATCH", 0) > 0,
                    recording.name + ": every stream carries pages");
            }
            seeds.put(recording.name, MultiStreamInput.interleave(recording.streamsSent));
            streams.put(recording.name, recording.streamsSent);
        }
        seeds.putAll(MultiStreamVariants.of(streams.get("streams-plain-2"), streams.get("streams-plain-3")));

        for (final Map.Entry<String, byte[]> seed : seeds.entrySet())
        {
            assertTrue(seed.getValue().length < MAX_SEED, seed.getKey() + " " + seed.getValue().length + " bytes");
            assertMultiStreamReplay(seed.getKey(), seed.getValue());
        }
        final String root = System.getProperty("ramshift.fuzz.writeCorpus");
        if (root != null && !root.isEmpty())
        {
            write(Paths.get(root).resolve(STREAMS_SEEDS), seeds, "streams-");
        }
    }

    @Test
    void shouldReplayTheStoredMultiStreamCorpus()
    {
        final Map<String, byte[]> seeds = FuzzSessions.seeds(MultiStreamReceiverFuzzTest.class,
            "shouldFailEveryMalformedMultiStreamSessionWithTheProjectsExceptions");
        assertTrue(seeds.keySet().containsAll(List.of("streams-plain-2", "streams-plain-3", "streams-lz4-3",
            "streams-dup-2", "streams-device-state-2")), seeds.keySet().toString());
        assertTrue(seeds.keySet().containsAll(MultiStreamVariants.EXPECTED.keySet()), seeds.keySet().toString());
        for (final Map.Entry<String, byte[]> seed : seeds.entrySet())
        {
            if (seed.getKey().startsWith("streams-"))
            {
                assertMultiStreamReplay(seed.getKey(), seed.getValue());
            }
        }
    }

    /** A recorded session replays verified; a variant is refused with the project's exception, for its reason. */
    private void assertMultiStreamReplay(final String name, final byte[] input)
    {
        final String expected = MultiStreamVariants.EXPECTED.get(name);
        if (expected == null)
        {
            assertTrue(MultiStreamReceiverFuzzTest.replay(dir, input).verified, name);
            return;
        }
        final io.ramshift.engine.RamshiftException ex = org.junit.jupiter.api.Assertions.assertThrows(
            io.ramshift.engine.RamshiftException.class, () -> MultiStreamReceiverFuzzTest.replay(dir, input), name);
        assertTrue(ex.getMessage().contains(expected), name + ": " + ex.getMessage());
    }

    /** The delta sender against other destinations: identical (nothing differs), missing, of another size. */
    private Map<String, byte[]> deltaReplyVariants()
    {
        final Map<String, byte[]> seeds = new LinkedHashMap<>();
        final Path source = FuzzSessions.writeSource(FuzzSessions.Session.DELTA, dir.resolve("delta-src.img"));
        final TransferOptions options = FuzzSessions.senderOptions(FuzzSessions.Session.DELTA);

        final Path same = FuzzSessions.copy(source, dir.resolve("dst-same.img"));
        final FuzzSessions.Recording unchanged = FuzzSessions.record("delta-unchanged", source, options, same);
        assertVerified(unchanged);
        assertEquals(0, unchanged.sender.differingChunks);
        seeds.put("replies-delta-unchanged", unchanged.received);

        final FuzzSessions.Recording created = FuzzSessions.record("delta-created", source, options,
            dir.resolve("dst-missing.img"));
        assertVerified(created);
        assertEquals(2, created.sender.differingChunks);
        seeds.put("replies-delta-created", created.received);

        final Path other = TestImages.createSparse(dir.resolve("dst-other.img"), 8 * PAGE_SIZE);
        final FuzzSessions.Recording refused = FuzzSessions.record("delta-refused", source, options, other);
        assertTrue(refused.senderFailure instanceof PeerErrorException, String.valueOf(refused.senderFailure));
        assertEquals(ProtocolDescriptor.TYPE_ERROR, ByteBuffer.wrap(refused.received).order(ByteOrder.LITTLE_ENDIAN)
            .getShort(4));
        seeds.put("replies-delta-refused", refused.received);
        return seeds;
    }

    private static void assertSenderReplay(final Path source, final String name, final byte[] replies)
    {
        if (name.endsWith("-refused"))
        {
            final PeerErrorException ex = org.junit.jupiter.api.Assertions.assertThrows(PeerErrorException.class,
                () -> SenderFuzzTest.replay(source, replies), name);
            assertTrue(ex.getMessage().contains("another size"), ex.getMessage());
        }
        else
        {
            assertTrue(SenderFuzzTest.replay(source, replies).verified, name);
        }
    }

    private static void assertVerified(final FuzzSessions.Recording recording)
    {
        assertNull(recording.senderFailure, () -> recording.name + ": " + recording.senderFailure);
        assertNull(recording.receiverFailure, () -> recording.name + ": " + recording.receiverFailure);
        assertNotNull(recording.sender, recording.name);
        assertTrue(recording.sender.verified && recording.receiver.verified, recording.name);
    }

    private static void writeCorpus(final Path root, final Map<String, byte[]> receiverSeeds,
        final Map<String, byte[]> senderSeeds) throws IOException
    {
        write(root.resolve(RECEIVER_SEEDS), receiverSeeds, "session-");
        write(root.resolve(SENDER_SEEDS), senderSeeds, "replies-");
        // every distinct frame of both directions, named by session and type
        final Map<String, byte[]> frames = new LinkedHashMap<>();
        final List<String> seen = new ArrayList<>();
        final Map<String, byte[]> streams = new LinkedHashMap<>();
        receiverSeeds.forEach((name, bytes) -> streams.put(name.substring("session-".length()) + "-sent", bytes));
        senderSeeds.forEach((name, bytes) -> streams.put(name.substring("replies-".length()) + "-received", bytes));
        for (final Map.Entry<String, byte[]> stream : streams.entrySet())
        {
            int index = 0;
            for (final byte[] frame : FuzzSessions.frames(stream.getValue()))
            {
                final String sha = sha256(frame);
                if (!seen.contains(sha) && frame.length < MAX_SEED)
                {
                    seen.add(sha);
                    final int type = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).getShort(4) & 0xFFFF;
                    frames.put("frame-" + stream.getKey() + "-" + index + "-" +
                        ProtocolDescriptor.typeName(type).toLowerCase(), frame);
                }
                index++;
            }
        }
        write(root.resolve(FRAME_SEEDS), frames, "frame-");
    }

    /** Replace the seeds with this prefix in a directory (findings and other seeds are kept). */
    private static void write(final Path directory, final Map<String, byte[]> seeds, final String prefix)
        throws IOException
    {
        Files.createDirectories(directory);
        try (Stream<Path> old = Files.list(directory))
        {
            for (final Path path : old.filter(p -> p.getFileName().toString().startsWith(prefix))
                .collect(Collectors.toList()))
            {
                Files.delete(path);
            }
        }
        for (final Map.Entry<String, byte[]> seed : seeds.entrySet())
        {
            Files.write(directory.resolve(seed.getKey()), seed.getValue());
        }
        System.out.println("wrote " + seeds.size() + " seeds to " + directory);
    }

    private static Map<String, byte[]> stored(final Class<?> test, final String method, final String prefix)
    {
        final Map<String, byte[]> seeds = new LinkedHashMap<>();
        FuzzSessions.seeds(test, method).forEach((name, bytes) ->
        {
            if (name.startsWith(prefix))
            {
                seeds.put(name, bytes);
            }
        });
        return seeds;
    }

    private static String sha256(final byte[] bytes)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new UncheckedIOException(new IOException(ex));
        }
    }
}
