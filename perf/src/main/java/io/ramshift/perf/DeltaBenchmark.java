package io.ramshift.perf;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Incremental sends: the destination holds yesterday's image (gen1), the source has today's (gen2 = gen1 with a
 * fraction of its pages changed by {@code ramshift mutate}); {@code ramshift migrate --delta}, {@code rsync --inplace
 * --no-whole-file} and plain {@code rsync} (both through an rsync daemon on 127.0.0.1, so rsync runs its delta
 * algorithm and its bytes on the wire are counted) bring the destination up to date. Every run starts from a fresh
 * copy of gen1, is timed as a whole command, and is checked byte for byte against gen2 afterwards; a tool that fails
 * or leaves a wrong copy is reported and the benchmark goes on. Prints a markdown table of medians and writes JSON.
 * <p>
 * {@code ./ramshift delta-bench [--sizes 2G,8G] [--fractions 0.01,0.10] [--layouts scattered,clustered] [--runs 3]
 * [--tools ramshift,rsync-inplace,rsync] [--work DIR] [--json F] [--keep]}
 */
public final class DeltaBenchmark
{
    /** Tool key: {@code ramshift migrate gen2 dst --delta}, both images with a valid manifest sidecar (built
     * before the timed run). */
    static final String RAMSHIFT = "ramshift";
    /** Tool key: the same without sidecars: both ends hash their image in parallel inside the timed run. */
    static final String RAMSHIFT_HASHING = "ramshift-hashing";
    /** Tool key: {@code rsync --inplace --no-whole-file} to the daemon. */
    static final String RSYNC_INPLACE = "rsync-inplace";
    /** Tool key: plain {@code rsync} to the daemon (temporary file, then rename). */
    static final String RSYNC = "rsync";

    private static final long TIMEOUT_SECONDS = 3600;
    private static final String MODULE = "ramshift-delta";
    private static final String DESTINATION_NAME = "dst.img";
    private static final Pattern RSYNC_NUMBER = Pattern.compile("([0-9][0-9,]*)");

    private final Path ramshift;
    private final Path work;
    private final Path gen1;
    private final Path gen2;
    private final Path destinationDir;
    private final Path destination;
    private final int runs;
    private final List<String> tools;
    private final long mutateSeed;
    private final int runPages;
    private final double movedFraction;
    private final List<String> notes = new ArrayList<>();
    private final List<CaseResult> cases = new ArrayList<>();
    private Process daemon;
    private int daemonPort;

    private DeltaBenchmark(final Path ramshift, final Path work, final int runs, final List<String> tools,
        final long mutateSeed, final int runPages, final double movedFraction)
    {
        this.ramshift = ramshift;
        this.work = work;
        this.gen1 = work.resolve("gen1.img");
        this.gen2 = work.resolve("gen2.img");
        this.destinationDir = work.resolve("dst");
        this.destination = destinationDir.resolve(DESTINATION_NAME);
        this.runs = runs;
        this.tools = tools;
        this.mutateSeed = mutateSeed;
        this.runPages = runPages;
        this.movedFraction = movedFraction;
    }

    /**
     * @param args see the class comment; {@code --ramshift PATH} is set by the launcher.
     * @throws Exception on a failure of the harness itself (a failing tool is a result, not an exception).
     */
    public static void main(final String[] args) throws Exception
    {
        Path ramshift = Path.of("ramshift");
        Path work = Path.of("/work/tmp-delta-bench");
        Path json = Path.of("delta-bench-results.json");
        List<String> sizes = List.of("2G", "8G");
        List<String> fractions = List.of("0.01", "0.10");
        List<String> layouts = List.of("scattered", "clustered");
        List<String> tools = List.of(RAMSHIFT, RAMSHIFT_HASHING, RSYNC_INPLACE, RSYNC);
        int runs = 3;
        long seed = 2;
        int runPages = 64;
        double movedFraction = 0.10;
        boolean keep = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--ramshift" -> ramshift = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--sizes" -> sizes = split(args[++i]);
                case "--fractions" -> fractions = split(args[++i]);
                case "--layouts" -> layouts = split(args[++i]);
                case "--tools" -> tools = split(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--run-pages" -> runPages = Integer.parseInt(args[++i]);
                case "--moved-fraction" -> movedFraction = Double.parseDouble(args[++i]);
                case "--keep" -> keep = true;
                default ->
                {
                    System.err.println("unknown argument: " + args[i]);
                    System.err.println("usage: delta-bench [--sizes 2G,8G] [--fractions 0.01,0.10] " +
                        "[--layouts scattered,clustered] [--runs 3] [--tools ramshift,rsync-inplace,rsync] " +
                        "[--work DIR] [--json F] [--seed N] [--run-pages K] [--moved-fraction M] [--keep]");
                    System.exit(2);
                }
            }
        }
        for (final String tool : tools)
        {
            if (!List.of(RAMSHIFT, RAMSHIFT_HASHING, RSYNC_INPLACE, RSYNC).contains(tool))
            {
                System.err.println("unknown tool: " + tool + " (expected ramshift, rsync-inplace, rsync)");
                System.exit(2);
            }
        }

        Files.createDirectories(work);
        final DeltaBenchmark bench = new DeltaBenchmark(ramshift.toAbsolutePath(), work.toAbsolutePath(), runs, tools,
            seed, runPages, movedFraction);
        final boolean keepFiles = keep;
        final Thread cleanup = new Thread(() -> bench.cleanUp(keepFiles), "ramshift-delta-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try
        {
            bench.run(sizes, fractions, layouts);
            bench.report(json);
        }
        finally
        {
            bench.cleanUp(keep);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private void run(final List<String> sizes, final List<String> fractions, final List<String> layouts)
        throws Exception
    {
        if (tools.contains(RSYNC_INPLACE) || tools.contains(RSYNC))
        {
            ensureRsync();
            startDaemon();
        }
        System.out.printf(Locale.ROOT, "delta-bench: work %s, %d run(s) per tool; page cache left warm: gen2 and the " +
            "destination are read once before every timed run, nothing is dropped%n", work, runs);
        for (final String size : sizes)
        {
            final long imageBytes = parseSize(size);
            final long needed = 4 * imageBytes + (1L << 30);
            final long usable = Files.getFileStore(work).getUsableSpace();
            if (usable < needed)
            {
                note("size " + size + " skipped: needs about " + gib(needed) + " free in " + work + " (gen1, gen2, " +
                    "destination, rsync's temporary copy), has " + gib(usable));
                continue;
            }
            System.out.printf(Locale.ROOT, "%n== post-workload %s: generating gen1 ==%n", size);
            shell("'" + ramshift + "' generate --profile post-workload --size " + size + " --seed 1 --out '" + gen1 +
                "' --force > /dev/null");
            for (final String fraction : fractions)
            {
                for (final String layout : layouts)
                {
                    benchCase(size, imageBytes, Double.parseDouble(fraction), layout);
                }
            }
        }
    }

    private void benchCase(final String size, final long imageBytes, final double fraction, final String layout)
        throws Exception
    {
        Files.deleteIfExists(gen2);
        shell("cp --sparse=always '" + gen1 + "' '" + gen2 + "'");
        final String mutate = shell("'" + ramshift + "' mutate '" + gen2 + "' --fraction " + fraction +
            " --layout " + layout + " --seed " + mutateSeed + " --moved-fraction " + movedFraction +
            ("clustered".equals(layout) ? " --run-pages " + runPages : "") + " --json");
        shell("sync");
        final CaseResult result = new CaseResult(size, imageBytes, fraction, layout, jsonLong(mutate, "pagesChanged"),
            jsonLong(mutate, "runs"), jsonLong(mutate, "movedPages"), jsonLong(mutate, "lz4Bytes"),
            jsonLong(mutate, "lz4FreshBytes"));
        System.out.printf(Locale.ROOT, "%n== %s: %,d pages changed in %,d runs (%,d moved), LZ4 of the changed " +
            "pages %,d bytes ==%n", result.title(), result.pagesChanged, result.runs, result.movedPages,
            result.lz4Bytes);
        for (final String tool : tools)
        {
            result.tools.put(tool, new ToolResult(tool, runs));
        }
        for (int run = 0; run < runs; run++)
        {
            // alternate the order so no tool always runs first after the copy
            final List<String> order = new ArrayList<>(tools);
            if (run % 2 == 1)
            {
                Collections.reverse(order);
            }
            for (final String tool : order)
            {
                final ToolResult toolResult = result.tools.get(tool);
                if (toolResult.failures.isEmpty())
                {
                    measure(tool, toolResult, imageBytes);
                }
            }
        }
        cases.add(result);
        Files.deleteIfExists(gen2);
    }

    private void measure(final String tool, final ToolResult result, final long imageBytes) throws Exception
    {
        resetDestination();
        if (RAMSHIFT.equals(tool))
        {
            // "with valid manifests": yesterday's copy and today's image each have their sidecar, as they do
            // after a ramshift session; built here, outside the timed run
            shell("'" + ramshift + "' manifest '" + gen2 + "' > /dev/null && '" + ramshift + "' manifest '" +
                destination + "' > /dev/null && sync");
        }
        else if (RAMSHIFT_HASHING.equals(tool))
        {
            Files.deleteIfExists(Path.of(gen2 + ".rsmanifest"));
            Files.deleteIfExists(Path.of(destination + ".rsmanifest"));
        }
        final List<String> command = command(tool);
        final Path out = work.resolve("tool.out");
        final Path err = work.resolve("tool.err");
        final long start = System.nanoTime();
        final Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
            .start();
        final boolean done = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        final double wall = (System.nanoTime() - start) / 1e9;
        if (!done)
        {
            process.destroyForcibly().waitFor();
            fail(result, "timed out after " + TIMEOUT_SECONDS + " s");
            return;
        }
        final String output = Files.readString(out);
        if (process.exitValue() != 0)
        {
            fail(result, "exit " + process.exitValue() + ": " + firstLine(Files.readString(err) + output));
            return;
        }
        final String verify = verifyDestination();
        if (verify != null)
        {
            fail(result, "wrong copy: " + verify);
            return;
        }
        final long wire;
        long literal = -1;
        if (tool.startsWith(RAMSHIFT))
        {
            final long onWire = jsonLong(output, "bytesOnWire");
            final int sender = output.indexOf("\"sender\"");
            final String sent = sender >= 0 ? output.substring(sender) : output;
            wire = onWire >= 0 ? onWire : jsonLong(sent, "bytesSent") + jsonLong(sent, "bytesReceived");
        }
        else
        {
            wire = rsyncStat(output, "Total bytes sent") + rsyncStat(output, "Total bytes received");
            literal = rsyncStat(output, "Literal data");
        }
        result.add(wall, wire, literal);
        System.out.printf(Locale.ROOT, "  %-48s %8.3f s  %6.2f GB/s of image  wire %,d bytes%n", result.label(),
            wall, imageBytes / wall / 1e9, wire);
    }

    private List<String> command(final String tool)
    {
        final String target = "rsync://127.0.0.1:" + daemonPort + "/" + MODULE + "/" + DESTINATION_NAME;
        return switch (tool)
        {
            case RAMSHIFT, RAMSHIFT_HASHING -> List.of(ramshift.toString(), "migrate", gen2.toString(),
                destination.toString(), "--delta", "--json");
            // --ignore-times: never let a size and mtime match skip the file; the delta algorithm always runs
            case RSYNC_INPLACE -> List.of("rsync", "--inplace", "--no-whole-file", "--ignore-times", "--stats",
                gen2.toString(), target);
            default -> List.of("rsync", "--ignore-times", "--stats", gen2.toString(), target);
        };
    }

    private void fail(final ToolResult result, final String reason)
    {
        result.failures.add(reason);
        System.out.printf(Locale.ROOT, "  %-48s FAILED: %s%n", result.label(), reason);
    }

    /**
     * A fresh copy of gen1 at the destination, everything synced (no writeback left to compete with the timed run),
     * then gen2 and the destination read once so both start in the page cache.
     */
    private void resetDestination() throws Exception
    {
        Files.createDirectories(destinationDir);
        Files.deleteIfExists(destination);
        shell("cp --sparse=always '" + gen1 + "' '" + destination + "' && sync && " +
            "cat '" + gen2 + "' '" + destination + "' > /dev/null");
    }

    /** @return null when the destination equals gen2, else what differs. */
    private String verifyDestination() throws Exception
    {
        final Process process = new ProcessBuilder(ramshift.toString(), "verify", gen2.toString(),
            destination.toString()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return "ramshift verify timed out";
        }
        return process.exitValue() == 0 ? null : "ramshift verify exit " + process.exitValue() + ": " + firstLine(output);
    }

    private void ensureRsync() throws Exception
    {
        if (has("rsync"))
        {
            return;
        }
        System.out.println("installing rsync with apt");
        final Process apt = new ProcessBuilder("bash", "-c", "(apt-get update -qq && apt-get install -y -qq rsync) > '" +
            work.resolve("apt.log") + "' 2>&1").start();
        if (!apt.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || apt.exitValue() != 0 || !has("rsync"))
        {
            throw new IllegalStateException("rsync is missing and apt could not install it (see " +
                work.resolve("apt.log") + ")");
        }
    }

    private void startDaemon() throws Exception
    {
        Files.createDirectories(destinationDir);
        daemonPort = freePort();
        final boolean root = "0".equals(shell("id -u").trim());
        final Path config = work.resolve("rsyncd.conf");
        Files.writeString(config, "pid file = " + work.resolve("rsyncd.pid") + "\n" +
            "lock file = " + work.resolve("rsyncd.lock") + "\n" +
            "log file = " + work.resolve("rsyncd.log") + "\n" +
            "use chroot = no\n" +
            (root ? "uid = root\ngid = root\n" : "") +
            "\n[" + MODULE + "]\n" +
            "    path = " + destinationDir + "\n" +
            "    read only = no\n" +
            "    list = no\n");
        Files.deleteIfExists(work.resolve("rsyncd.pid"));
        daemon = new ProcessBuilder("rsync", "--daemon", "--no-detach", "--config=" + config, "--port=" + daemonPort,
            "--address=127.0.0.1").redirectErrorStream(true).redirectOutput(work.resolve("rsyncd.out").toFile())
            .start();
        final long deadline = System.currentTimeMillis() + 10_000;
        while (true)
        {
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", daemonPort), 500);
                break;
            }
            catch (final IOException ex)
            {
                if (!daemon.isAlive() || System.currentTimeMillis() > deadline)
                {
                    throw new IllegalStateException("rsync daemon did not start on port " + daemonPort + ": " +
                        Files.readString(work.resolve("rsyncd.out")));
                }
                Thread.sleep(20);
            }
        }
        System.out.println("rsync daemon (pid " + daemon.pid() + ") on 127.0.0.1:" + daemonPort + ", module " + MODULE +
            " -> " + destinationDir + (root ? " as root" : ""));
    }

    private synchronized void cleanUp(final boolean keep)
    {
        if (daemon != null)
        {
            daemon.destroy();
            try
            {
                if (!daemon.waitFor(5, TimeUnit.SECONDS))
                {
                    daemon.destroyForcibly();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            daemon = null;
        }
        if (keep)
        {
            return;
        }
        try
        {
            for (final Path path : new Path[] {gen1, gen2, destination, work.resolve("tool.out"), work.resolve("tool.err"),
                work.resolve("rsyncd.conf"), work.resolve("rsyncd.pid"), work.resolve("rsyncd.lock"),
                work.resolve("rsyncd.log"), work.resolve("rsyncd.out"), work.resolve("apt.log")})
            {
                Files.deleteIfExists(path);
            }
            if (Files.isDirectory(destinationDir))
            {
                // rsync's temporary files of an interrupted run
                try (java.util.stream.Stream<Path> left = Files.list(destinationDir))
                {
                    for (final Path path : left.toList())
                    {
                        Files.deleteIfExists(path);
                    }
                }
                Files.deleteIfExists(destinationDir);
            }
            Files.deleteIfExists(work);
        }
        catch (final IOException ex)
        {
            System.err.println("delta-bench: could not clean " + work + ": " + ex);
        }
    }

    private void report(final Path json) throws IOException
    {
        final StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%nMedians of %d run(s); post-workload images (generate --seed 1), " +
            "changed by 'ramshift mutate --seed %d --moved-fraction %s'; each run from a fresh synced copy of gen1, " +
            "page cache warm, whole command timed, destination verified against gen2.%n%n", runs, mutateSeed,
            fmt(movedFraction)));
        table.append("| case | tool | runs ok | wall s | GB/s of image | bytes on the wire | wire / LZ4 of changed " +
            "pages | rsync literal data | ramshift speed-up |\n|---|---|---|---|---|---|---|---|---|\n");
        final StringBuilder data = new StringBuilder(4096);
        data.append("{\"runs\":").append(runs).append(",\"mutateSeed\":").append(mutateSeed)
            .append(",\"movedFraction\":").append(fmt(movedFraction)).append(",\"runPages\":").append(runPages)
            .append(",\"cases\":[");
        for (int c = 0; c < cases.size(); c++)
        {
            final CaseResult cr = cases.get(c);
            final ToolResult ramshiftResult = cr.tools.get(RAMSHIFT);
            final double ramshiftWall = ramshiftResult != null && ramshiftResult.ok() ? ramshiftResult.wall() :
                Double.NaN;
            data.append(c == 0 ? "" : ",").append("{\"size\":\"").append(cr.size).append("\",\"imageBytes\":")
                .append(cr.imageBytes).append(",\"fraction\":").append(fmt(cr.fraction)).append(",\"layout\":\"")
                .append(cr.layout).append("\",\"pagesChanged\":").append(cr.pagesChanged).append(",\"runs\":")
                .append(cr.runs).append(",\"movedPages\":").append(cr.movedPages).append(",\"lz4Bytes\":")
                .append(cr.lz4Bytes).append(",\"lz4FreshBytes\":").append(cr.lz4FreshBytes).append(",\"tools\":[");
            boolean firstTool = true;
            for (final ToolResult tr : cr.tools.values())
            {
                final boolean ok = tr.ok();
                final double speedUp = !RAMSHIFT.equals(tr.tool) && ok ? tr.wall() / ramshiftWall : Double.NaN;
                table.append(String.format(Locale.ROOT, "| %s | %s | %d / %d | %s | %s | %s | %s | %s | %s |%n",
                    cr.title(), tr.label(), tr.walls.size(), tr.walls.size() + tr.failures.size(),
                    ok ? String.format(Locale.ROOT, "%.3f", tr.wall()) : "FAILED", ok ? String.format(Locale.ROOT, "%.2f", cr.imageBytes / tr.wall() / 1e9) : "",
                    ok ? String.format(Locale.ROOT, "%,d", tr.wire()) : "",
                    ok && cr.lz4Bytes > 0 ? String.format(Locale.ROOT, "%.2f", (double)tr.wire() / cr.lz4Bytes) : "",
                    ok && tr.literal() >= 0 ? String.format(Locale.ROOT, "%,d", tr.literal()) : "",
                    Double.isNaN(speedUp) ? "" : String.format(Locale.ROOT, "%.2f×", speedUp)));
                data.append(firstTool ? "" : ",").append("{\"tool\":\"").append(tr.tool).append("\",\"command\":\"")
                    .append(tr.label()).append("\",\"ok\":").append(ok).append(",\"runsOk\":").append(tr.walls.size())
                    .append(",\"wallSeconds\":").append(ok ? fmt(tr.wall()) : "null")
                    .append(",\"imageGBps\":").append(ok ? fmt(cr.imageBytes / tr.wall() / 1e9) : "null")
                    .append(",\"wireBytes\":").append(ok ? tr.wire() : -1)
                    .append(",\"wireVsLz4\":").append(ok && cr.lz4Bytes > 0 ? fmt((double)tr.wire() / cr.lz4Bytes) : "null")
                    .append(",\"literalBytes\":").append(ok ? tr.literal() : -1)
                    .append(",\"ramshiftSpeedUp\":").append(Double.isNaN(speedUp) ? "null" : fmt(speedUp))
                    .append(",\"allWallSeconds\":").append(tr.walls)
                    .append(",\"failures\":[");
                for (int f = 0; f < tr.failures.size(); f++)
                {
                    data.append(f == 0 ? "" : ",").append(jsonString(tr.failures.get(f)));
                }
                data.append("]}");
                firstTool = false;
            }
            data.append("]}");
        }
        data.append("],\"notes\":[");
        for (int i = 0; i < notes.size(); i++)
        {
            data.append(i == 0 ? "" : ",").append(jsonString(notes.get(i)));
        }
        data.append("]}");
        for (final CaseResult cr : cases)
        {
            for (final ToolResult tr : cr.tools.values())
            {
                for (final String failure : tr.failures)
                {
                    table.append(String.format(Locale.ROOT, "%nFAILED %s, %s: %s", cr.title(), tr.label(), failure));
                }
            }
        }
        table.append(String.format(Locale.ROOT, "%n%nramshift fsyncs the destination before it reports success; " +
            "rsync does not. Wire bytes: ramshift's bytesOnWire (or the sender's bytes sent + received); rsync's " +
            "'Total bytes sent' + 'Total bytes received' from --stats.%n"));
        for (final String note : notes)
        {
            table.append("Note: ").append(note).append('\n');
        }
        System.out.print(table);
        Files.writeString(json, data.toString());
        System.out.println("wrote " + json.toAbsolutePath());
    }

    private void note(final String note)
    {
        notes.add(note);
        System.out.println("note: " + note);
    }

    private String shell(final String command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IllegalStateException("command failed: " + command + "\n" + output);
        }
        return output;
    }

    private static boolean has(final String tool) throws IOException, InterruptedException
    {
        return new ProcessBuilder("bash", "-c", "command -v " + tool + " > /dev/null").start().waitFor() == 0;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    /**
     * @param output of {@code rsync --stats}.
     * @param label  such as {@code Total bytes sent}.
     * @return the number after the label (thousands separators removed), or -1 when it is missing.
     */
    static long rsyncStat(final String output, final String label)
    {
        final int at = output.indexOf(label + ":");
        if (at < 0)
        {
            return -1;
        }
        final Matcher m = RSYNC_NUMBER.matcher(output);
        return m.find(at + label.length() + 1) ? Long.parseLong(m.group(1).replace(",", "")) : -1;
    }

    static long jsonLong(final String json, final String key)
    {
        final Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9]+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static long parseSize(final String size)
    {
        final String text = size.trim().toUpperCase(Locale.ROOT);
        final int shift = switch (text.charAt(text.length() - 1))
        {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        return Long.parseLong(shift == 0 ? text : text.substring(0, text.length() - 1)) << shift;
    }

    private static List<String> split(final String list)
    {
        return Arrays.asList(list.split(","));
    }

    private static String firstLine(final String text)
    {
        final String trimmed = text.trim();
        final int newline = trimmed.indexOf('\n');
        final String line = newline < 0 ? trimmed : trimmed.substring(0, newline);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static String gib(final long bytes)
    {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double)(1L << 30));
    }

    private static String fmt(final double value)
    {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String jsonString(final String text)
    {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ").replace("\t", " ") + "\"";
    }

    /** One image, one fraction, one layout: what changed and each tool's runs. */
    private static final class CaseResult
    {
        final String size;
        final long imageBytes;
        final double fraction;
        final String layout;
        final long pagesChanged;
        final long runs;
        final long movedPages;
        final long lz4Bytes;
        final long lz4FreshBytes;
        final Map<String, ToolResult> tools = new LinkedHashMap<>();

        CaseResult(final String size, final long imageBytes, final double fraction, final String layout,
            final long pagesChanged, final long runs, final long movedPages, final long lz4Bytes,
            final long lz4FreshBytes)
        {
            this.size = size;
            this.imageBytes = imageBytes;
            this.fraction = fraction;
            this.layout = layout;
            this.pagesChanged = pagesChanged;
            this.runs = runs;
            this.movedPages = movedPages;
            this.lz4Bytes = lz4Bytes;
            this.lz4FreshBytes = lz4FreshBytes;
        }

        String title()
        {
            return String.format(Locale.ROOT, "%s %s%% %s", size, new java.math.BigDecimal(fraction * 100)
                .setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString(), layout);
        }
    }

    /** The runs of one tool on one case. */
    private static final class ToolResult
    {
        final String tool;
        final List<Double> walls;
        final List<Long> wires;
        final List<Long> literals;
        final List<String> failures = new ArrayList<>();

        ToolResult(final String tool, final int runs)
        {
            this.tool = tool;
            this.walls = new ArrayList<>(runs);
            this.wires = new ArrayList<>(runs);
            this.literals = new ArrayList<>(runs);
        }

        void add(final double wall, final long wire, final long literal)
        {
            walls.add(wall);
            wires.add(wire);
            literals.add(literal);
        }

        boolean ok()
        {
            return failures.isEmpty() && !walls.isEmpty();
        }

        String label()
        {
            return switch (tool)
            {
                case RAMSHIFT -> "ramshift migrate --delta (valid manifests)";
                case RAMSHIFT_HASHING -> "ramshift migrate --delta (no manifests: both ends hash)";
                case RSYNC_INPLACE -> "rsync --inplace --no-whole-file (daemon)";
                default -> "rsync (daemon; temp file + rename)";
            };
        }

        double wall()
        {
            final double[] values = new double[walls.size()];
            for (int i = 0; i < values.length; i++)
            {
                values[i] = walls.get(i);
            }
            return Medians.of(values);
        }

        long wire()
        {
            return median(wires);
        }

        long literal()
        {
            return median(literals);
        }

        private static long median(final List<Long> values)
        {
            final long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
            return sorted[sorted.length / 2];
        }
    }
}
