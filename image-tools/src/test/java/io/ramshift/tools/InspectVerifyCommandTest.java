package io.ramshift.tools;

import io.ramshift.engine.RamshiftThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectVerifyCommandTest
{
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private Path image;
    private Path bitmap;
    private Path layout;

    @BeforeEach
    void generate()
    {
        image = dir.resolve("guest.ram");
        bitmap = dir.resolve("guest.free");
        layout = dir.resolve("guest.layout");
        assertEquals(0, RamshiftMain.run("generate", "--profile", "post-workload", "--size", "32M", "--seed", "7",
            "--out", image.toString(), "--free-bitmap", bitmap.toString(), "--layout", layout.toString(), "--sparse"));
    }

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldMatchGeneratedLayoutExactlyWithAndWithoutBitmap()
    {
        assertEquals(0, RamshiftMain.run("inspect", image.toString(), "--free-bitmap", bitmap.toString(),
            "--layout", layout.toString()));
        assertEquals(0, RamshiftMain.run("inspect", image.toString(), "--layout", layout.toString(), "--json"));
        assertEquals(0, RamshiftMain.run("inspect", image.toString(), "--no-holes", "--layout", layout.toString()));
    }

    @Test
    void shouldFailLayoutCheckWhenAZeroPageGainsData() throws IOException
    {
        final long page = firstPageOfKind(0, false);
        writeByte(image, page * PAGE + 100, (byte)7);
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("inspect", image.toString(), "--free-bitmap",
            bitmap.toString(), "--layout", layout.toString()));
    }

    @Test
    void shouldVerifyImageAgainstItsManifestAndCatchOneChangedByte() throws IOException
    {
        final Path manifest = dir.resolve("guest.manifest");
        assertEquals(0, RamshiftMain.run("manifest", image.toString(), "-o", manifest.toString()));
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("manifest", image.toString(), "-o",
            manifest.toString()), "an existing manifest is not replaced without --force");
        assertEquals(0, RamshiftMain.run("manifest", image.toString(), "-o", manifest.toString(), "--force"));
        assertEquals(0, RamshiftMain.run("verify", image.toString(), "--manifest", manifest.toString()));

        final long page = firstPageOfKind(2, false);
        writeByte(image, page * PAGE + PAGE - 1, (byte)0x5A);
        assertEquals(RamshiftMain.EXIT_FAILURE,
            RamshiftMain.run("verify", image.toString(), "--manifest", manifest.toString()));
    }

    @Test
    void shouldKeepTheSidecarAndRebuildItOnlyWhenItIsNotValid() throws IOException
    {
        final Path sidecar = dir.resolve("guest.ram.rsmanifest");
        final CliRun before = CliRun.of("inspect", image.toString());
        assertEquals(0, before.exitCode, before.toString());
        assertTrue(before.out.contains("  sidecar    missing (guest.ram.rsmanifest)"), before.toString());

        final CliRun built = CliRun.of("manifest", image.toString());
        assertEquals(0, built.exitCode, built.toString());
        assertTrue(built.out.startsWith("sidecar " + sidecar + " of " + image + ": built (was missing): 8,192 pages"),
            built.toString());
        assertTrue(Files.exists(sidecar));

        final CliRun kept = CliRun.of("manifest", image.toString());
        assertEquals(0, kept.exitCode, kept.toString());
        assertTrue(kept.out.contains(": valid, not rehashed (8,192 pages)"), kept.toString());
        final CliRun valid = CliRun.of("inspect", image.toString());
        assertTrue(valid.out.contains("  sidecar    valid (guest.ram.rsmanifest)"), valid.toString());
        assertEquals(0, RamshiftMain.run("verify", image.toString(), "--manifest", sidecar.toString()));

        final long page = firstPageOfKind(2, false);
        writeByte(image, page * PAGE + 9, (byte)~readByte(image, page * PAGE + 9));
        final CliRun stale = CliRun.of("inspect", image.toString(), "--json");
        assertTrue(stale.out.contains("\"sidecar\":\"stale: mtime "), stale.toString());
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("verify", image.toString(), "--manifest",
            sidecar.toString()), "the stale sidecar still holds the old hash of the page");

        final CliRun rebuilt = CliRun.of("manifest", image.toString());
        assertEquals(0, rebuilt.exitCode, rebuilt.toString());
        assertTrue(rebuilt.out.contains(": built (was stale: mtime "), rebuilt.toString());
        assertEquals(0, RamshiftMain.run("verify", image.toString(), "--manifest", sidecar.toString()));

        final CliRun forced = CliRun.of("manifest", image.toString(), "--force");
        assertEquals(0, forced.exitCode, forced.toString());
        assertTrue(forced.out.contains(": built (was valid, --force)"), forced.toString());
    }

    @Test
    void shouldReportACorruptSidecarAndRebuildIt() throws IOException
    {
        final Path sidecar = dir.resolve("guest.ram.rsmanifest");
        assertEquals(0, RamshiftMain.run("manifest", image.toString()));
        writeByte(sidecar, 64 + 8 * 100, (byte)~readByte(sidecar, 64 + 8 * 100));

        final CliRun inspect = CliRun.of("inspect", image.toString());
        assertTrue(inspect.out.contains("  sidecar    corrupt: manifest page-hash checksum mismatch"),
            inspect.toString());
        final CliRun rebuilt = CliRun.of("manifest", image.toString());
        assertEquals(0, rebuilt.exitCode, rebuilt.toString());
        assertTrue(rebuilt.out.contains(": built (was corrupt: manifest page-hash checksum mismatch"),
            rebuilt.toString());
        assertTrue(CliRun.of("inspect", image.toString()).out.contains("  sidecar    valid"));
    }

    @Test
    void shouldIgnoreChangesToFreePagesWhenBitmapGiven() throws IOException
    {
        final Path copy = dir.resolve("copy.ram");
        assertEquals(0, RamshiftMain.run("migrate", image.toString(), copy.toString(), "--free-bitmap",
            bitmap.toString(), "--no-sync"));
        assertEquals(0, RamshiftMain.run("verify", image.toString(), copy.toString(), "--free-bitmap",
            bitmap.toString()));
        // free pages did not travel: without the bitmap the copies differ there
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("verify", image.toString(), copy.toString()));

        final long freePage = firstPageOfKind(1, true);
        writeByte(copy, freePage * PAGE, (byte)1);
        assertEquals(0, RamshiftMain.run("verify", image.toString(), copy.toString(), "--free-bitmap",
            bitmap.toString()));
        final long dataPage = firstPageOfKind(3, false);
        writeByte(copy, dataPage * PAGE + 17, (byte)~readByte(copy, dataPage * PAGE + 17));
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("verify", image.toString(), copy.toString(),
            "--free-bitmap", bitmap.toString()));
    }

    @Test
    void shouldRefuseBitmapOfWrongLength() throws IOException
    {
        Files.write(bitmap, new byte[8]);
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("inspect", image.toString(), "--free-bitmap",
            bitmap.toString()));
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("migrate", image.toString(),
            dir.resolve("x.ram").toString(), "--free-bitmap", bitmap.toString()));
    }

    @Test
    void shouldRefuseImageThatIsNotAPageMultiple() throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
        {
            file.setLength(file.length() - 1);
        }
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("inspect", image.toString()));
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("manifest", image.toString(), "-o",
            dir.resolve("m").toString()));
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("migrate", image.toString(),
            dir.resolve("x.ram").toString()));
    }

    @Test
    void shouldRunDemoInAGivenFolderAndRemoveOnlyItsOwnFiles() throws IOException
    {
        final Path folder = dir.resolve("demo");
        Files.createDirectories(folder);
        final Path mine = Files.writeString(folder.resolve("user-file.txt"), "keep me");
        assertEquals(0, RamshiftMain.run("demo", "--size", "16M", "--dir", folder.toString()));
        assertTrue(Files.exists(mine));
        assertEquals(1, Files.list(folder).count());
    }

    private long firstPageOfKind(final int kind, final boolean free) throws IOException
    {
        final byte[] entries = Files.readAllBytes(layout);
        for (int i = 0; i < entries.length; i++)
        {
            if ((entries[i] & 0x07) == kind && ((entries[i] & 0x80) != 0) == free)
            {
                return i;
            }
        }
        throw new AssertionError("no page of kind " + kind + " free=" + free);
    }

    private static void writeByte(final Path path, final long offset, final byte value) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.seek(offset);
            file.write(value);
        }
    }

    private static byte readByte(final Path path, final long offset) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r"))
        {
            file.seek(offset);
            return file.readByte();
        }
    }
}
