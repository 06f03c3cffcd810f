package io.ramshift.engine.live;

import io.ramshift.engine.image.AtomicPageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.scan.PageClass;
import io.ramshift.engine.transfer.PageHashLedger;
import io.ramshift.engine.transfer.RoundSender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The switch decisions of {@link LiveRounds} against a scripted dirty source and a sender that records what it is
 * asked; the sender reports almost no bandwidth, so no round ever looks converged by its estimate.
 */
class LiveRoundsPostcopyTest
{
    private static final long PAGES = 256;

    @TempDir
    Path dir;

    private MappedImage image;
    private int stops;

    @BeforeEach
    void open() throws IOException
    {
        final Path path = dir.resolve("image.ram");
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.setLength(PAGES * 4096);
        }
        image = MappedImage.openReadOnly(path);
    }

    @AfterEach
    void close()
    {
        image.close();
    }

    @Test
    void shouldSwitchWhenTheDirtySetStopsShrinking()
    {
        // rounds 1, 2, 3 dirty 100, 95, 92 pages: round 3 kept more than 90% of round 1
        final Sender sender = new Sender();
        final LiveRounds rounds = rounds(new ScriptedSource(100, 95, 92, 10, 10)).postcopy(1_000, false, 4096);
        rounds.rounds(sender);

        assertEquals("not converging", rounds.switchReason());
        assertEquals(1, stops);
        assertEquals(4, rounds.figures().size(), "bulk, rounds 1 and 2, the switch");
        assertEquals(92, sender.pending.cardinality(), "what round 3 collected, plus nothing after the stop");
    }

    @Test
    void shouldKeepPrecopyingWhileRoundsShrink()
    {
        final Sender sender = new Sender();
        final LiveRounds rounds = rounds(new ScriptedSource(100, 80, 60, 40, 20, 10)).postcopy(5, false, 4096);
        rounds.rounds(sender);

        assertEquals("round limit", rounds.switchReason());
        assertEquals(7, rounds.figures().size(), "bulk, rounds 1..5, the switch at round 6");
    }

    @Test
    void shouldSwitchAtTheFirstRoundWithPostcopyAfterZeroAndPushTheHotPagesFirst()
    {
        final Sender sender = new Sender();
        final LiveRounds rounds = rounds(new ScriptedSource(30, 30)).postcopy(0, false, 4096);
        rounds.rounds(sender);

        assertEquals("round limit", rounds.switchReason());
        assertEquals(2, rounds.figures().size());
        assertEquals(0, sender.hotCount, "no pre-copy round after the bulk round: no hot list");
    }

    @Test
    void shouldListPagesDirtiedInTheLastRoundAndAgainAsHot()
    {
        final Sender sender = new Sender();
        final LiveRounds rounds = rounds(new ScriptedSource(30, 20)).postcopy(1, false, 8);
        rounds.rounds(sender);

        assertEquals(8, sender.hotCount, "capped");
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, java.util.Arrays.copyOf(sender.hot, 8));
        assertEquals(20, sender.pending.cardinality());
    }

    @Test
    void shouldSwitchOnRequestAtTheNextRoundBoundary()
    {
        final Sender sender = new Sender();
        final LiveRounds rounds = rounds(new ScriptedSource(50, 40, 30)).postcopy(1_000, false, 4096);
        rounds.requestPostcopy();
        rounds.rounds(sender);

        assertEquals("requested", rounds.switchReason());
        assertEquals(2, rounds.figures().size());
    }

    @Test
    void shouldSwitchBeforeTheBulkRoundInPurePostcopy()
    {
        final Sender sender = new Sender();
        final LiveRounds rounds = rounds(new ScriptedSource()).postcopy(0, true, 4096);

        assertTrue(rounds.postcopyFromStart());
        rounds.rounds(sender);
        assertEquals("pure post-copy", rounds.switchReason());
        assertEquals(PAGES, sender.pending.cardinality());
        assertEquals(1, rounds.figures().size());
    }

    @Test
    void shouldNotSwitchWithoutPostcopy()
    {
        final Sender sender = new Sender();
        final LiveRounds rounds = rounds(new ScriptedSource(100, 95, 92));
        rounds.rounds(sender);

        assertNull(rounds.switchReason());
        assertFalse(rounds.switchedToPostcopy());
        assertNull(sender.pending);
        assertEquals(5, rounds.figures().size(), "bulk, three rounds, and the final round once nothing changed");
        assertTrue(rounds.figures().get(4).last);
    }

    private LiveRounds rounds(final DirtySource source)
    {
        return new LiveRounds(source, -1L, 6, 60_000_000_000L, () -> stops++, null);
    }

    /** Dirties pages 0..n-1 in each round, then nothing. */
    private static final class ScriptedSource implements DirtySource
    {
        private final long[] perRound;
        private int round;

        ScriptedSource(final long... perRound)
        {
            this.perRound = perRound;
        }

        public long collect(final RoundSender sender, final io.ramshift.engine.scan.RunConsumer consumer)
        {
            final long pages = round < perRound.length ? perRound[round] : 0;
            round++;
            if (pages > 0)
            {
                consumer.onRun(PageClass.DATA, 0, pages);
            }
            return pages;
        }
    }

    /** Records the switch; reports one byte per round, so the bandwidth estimate never calls a round converged. */
    private final class Sender implements RoundSender
    {
        AtomicPageBitmap pending;
        long[] hot;
        int hotCount;
        private long bytes;

        public MappedImage image()
        {
            return image;
        }

        public void sendPages(final long firstPage, final long pageCount)
        {
        }

        public long flushRound()
        {
            return ++bytes;
        }

        public PageHashLedger ledger()
        {
            return null;
        }

        public void postcopy(final AtomicPageBitmap pending, final long[] hot, final int hotCount)
        {
            this.pending = pending;
            this.hot = hot;
            this.hotCount = hotCount;
        }
    }
}
