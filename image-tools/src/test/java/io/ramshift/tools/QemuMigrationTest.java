package io.ramshift.tools;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.qemu.QmpClient;
import io.ramshift.engine.transfer.LoopbackMigration;
import io.ramshift.engine.transfer.TransferOptions;
import io.ramshift.qemurig.GuestLine;
import io.ramshift.qemurig.QemuGuest;
import io.ramshift.qemurig.QemuRig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real QEMU guest (TCG, RAM in a shared file, a program that keeps a verifiable pattern and a counter in guest
 * RAM) moved by {@code ramshift qemu migrate} to a QEMU waiting with {@code -incoming defer}; a corrupted page
 * stopping the move before the device state is loaded; and {@code dump-guest-memory} read by ramshift's tools.
 * The rig (QEMU, kernel, initramfs) is built by {@code qemu-rig/build.sh}, which installs what is missing.
 */
@ExtendWith(ResourceLeakExtension.class)
class QemuMigrationTest
{
    private static final long GIB = 1L << 30;
    private static final long BOOT_MS = 90_000;
    private static final long QMP_MS = 30_000;
    private static final int PATTERN_MIB = 64;
    private static final int RATE = 2000;

    private static QemuRig rig;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildRig()
    {
        rig = QemuRig.ensureBuilt();
    }

    @Test
    void shouldMoveARunningGuestWhoseCounterContinuesAndWhosePatternStaysIntact()
    {
        try (QemuGuest source = QemuGuest.boot(rig, dir.resolve("src"), "1G", PATTERN_MIB, RATE);
            QemuGuest destination = QemuGuest.incoming(rig, dir.resolve("dst"), "1G", PATTERN_MIB, RATE))
        {
            source.awaitLine((line) -> line.counter() >= 3, BOOT_MS);
            assertTrue(last(source.lines()).ok(), source.consoleTail());
            assertEquals("inmigrate", destination.qmp().status(QMP_MS));
            destination.releaseQmp();
            assertEquals(GIB, size(destination.ramFile()), "QEMU created its RAM file at the guest's size");

            final CliRun run = CliRun.of("qemu", "migrate", "--source-qmp", source.qmpSocket().toString(),
                "--source-ram", source.ramFile().toString(), "--dest-qmp", destination.qmpSocket().toString(),
                "--dest-ram", destination.ramFile().toString(), "--lz4-always", "--json");

            assertEquals(0, run.exitCode, run::toString);
            assertEquals("true", run.jsonField("verified"));
            final long lastOnSource = last(source.lines()).counter();
            final GuestLine firstOnDestination = destination.awaitLine((line) -> true, 30_000);
            assertTrue(firstOnDestination.counter() > lastOnSource && firstOnDestination.counter() <= lastOnSource + 2,
                "counter continues: source ended at " + lastOnSource + ", destination began at " +
                    firstOnDestination.counter());
            destination.awaitLine((line) -> line.counter() >= firstOnDestination.counter() + 5, 30_000);
            for (final GuestLine line : destination.lines())
            {
                assertTrue(line.ok(), "pattern intact on the destination: " + line);
            }
            assertEquals("running", destination.qmp().status(QMP_MS));
            assertEquals("postmigrate", source.qmp().status(QMP_MS));
            assertEquals(lastOnSource, last(source.lines()).counter(), "the source guest stays stopped");
            assertEquals(GIB, size(destination.ramFile()), "the destination RAM file is never truncated");
            final long allocated = DataExtents.allocatedBytes(destination.ramFile());
            assertTrue(allocated < GIB / 4, "zero pages stay holes: allocated=" + allocated);
            final double downtime = Double.parseDouble(run.jsonField("downtimeSeconds"));
            assertTrue(downtime > 0 && downtime < 5, "downtime " + downtime);
        }
    }

    @Test
    void shouldNotLoadTheDeviceStateWhenAPageOfTheDestinationIsCorruptAndResumeTheSource()
    {
        try (QemuGuest source = QemuGuest.boot(rig, dir.resolve("src"), "1G", PATTERN_MIB, RATE);
            QemuGuest destination = QemuGuest.incoming(rig, dir.resolve("dst"), "1G", PATTERN_MIB, RATE))
        {
            source.awaitLine((line) -> line.counter() >= 2, BOOT_MS);
            final long patternPage = source.firstPatternAddress() >>> 12;
            destination.qmp();
            destination.releaseQmp();
            final TransferOptions options = new TransferOptions();
            options.lz4Always = true;
            // a page of the guest's pattern goes bad in the destination file after it was written
            options.beforeVerify = (path) -> TestImages.flipByte(path, (patternPage << 12) + 100);
            final String outcome;
            try (QemuDestinationSession destinationSession = QemuDestinationSession.open(destination.qmpSocket(),
                destination.ramFile(), qemuOptions());
                QemuSourceSession sourceSession = QemuSourceSession.open(source.qmpSocket(), qemuOptions()))
            {
                sourceSession.apply(options);
                destinationSession.apply(options);

                final TransferException ex = assertThrows(TransferException.class,
                    () -> new LoopbackMigration(options).migrate(source.ramFile(), null, destination.ramFile()));

                assertTrue(ex.getMessage().contains("does not hold what was received"), ex.getMessage());
                assertTrue(ex.getMessage().contains("first=[" + patternPage + "]"), ex.getMessage());
                outcome = sourceSession.afterFailure(ex);
            }
            assertTrue(outcome.contains("runs again"), outcome);
            assertEquals("inmigrate", destination.qmp().status(QMP_MS), "the device state was never loaded");
            assertEquals("running", source.qmp().status(QMP_MS));
            final long before = last(source.lines()).counter();
            final GuestLine after = source.awaitLine((line) -> line.counter() >= before + 2, 30_000);
            assertTrue(after.ok(), "the source guest goes on intact: " + after);
        }
    }

    @Test
    void shouldReadADumpOfTheRunningGuestAsItsRamFileOnEveryPage() throws IOException
    {
        final Path dump = dir.resolve("guest.elf");
        final Path raw = dir.resolve("guest.raw");
        try (QemuGuest guest = QemuGuest.boot(rig, dir.resolve("g"), "512M", 32, 500))
        {
            guest.awaitLine((line) -> line.counter() >= 2, BOOT_MS);
            final QmpClient qmp = guest.qmp();
            qmp.execute("stop", null, QMP_MS);
            qmp.execute("dump-guest-memory", Map.of("paging", false, "protocol", "file:" + dump), 300_000);

            final CliRun inspect = CliRun.of("inspect", dump.toString());
            final CliRun verifyElf = CliRun.of("verify", dump.toString(), guest.ramFile().toString());
            final CliRun convert = CliRun.of("convert", dump.toString(), raw.toString());
            final CliRun verifyRaw = CliRun.of("verify", raw.toString(), guest.ramFile().toString());
            qmp.execute("cont", null, QMP_MS);

            assertEquals(0, inspect.exitCode, inspect::toString);
            assertTrue(inspect.out.contains("131,072") || inspect.out.contains("131072"), inspect.out);
            assertEquals(0, verifyElf.exitCode, verifyElf::toString);
            assertEquals(0, convert.exitCode, convert::toString);
            assertEquals(0, verifyRaw.exitCode, verifyRaw::toString);
            assertEquals(size(guest.ramFile()), size(raw));
            final long before = last(guest.lines()).counter();
            assertTrue(guest.awaitLine((line) -> line.counter() > before, 30_000).ok());
        }
    }

    private static QemuOptionsMixin qemuOptions()
    {
        final QemuOptionsMixin options = new QemuOptionsMixin();
        options.downtimeLimitMs = 50;
        options.maxRounds = 30;
        options.maxSeconds = 60;
        options.qmpTimeoutSeconds = 30;
        return options;
    }

    private static GuestLine last(final List<GuestLine> lines)
    {
        assertTrue(!lines.isEmpty(), "the guest printed no report line");
        return lines.get(lines.size() - 1);
    }

    private static long size(final Path path)
    {
        try
        {
            return Files.size(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

}
