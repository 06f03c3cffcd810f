package io.ramshift.perf;

import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.qemu.QmpClient;
import io.ramshift.qemurig.GuestLine;
import io.ramshift.qemurig.QemuGuest;
import io.ramshift.qemurig.QemuRig;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The same running QEMU guest (1 GiB, TCG, RAM in a shared file, a 64 MiB pattern rewritten at 2000 pages/s) moved
 * to a destination QEMU on this host, in one run, by QEMU's own migration (TCP, max-bandwidth raised) and by
 * {@code ramshift qemu migrate} (whole command, JVM start included), each several times with fresh guests, in
 * alternating order. Downtime is the same for both: source STOP event to destination RESUME event, by QEMU's
 * own timestamps. Every move is checked: the destination guest counts on with its pattern intact.
 * <p>
 * {@code ./ramshift qemu-bench [--runs N] [--mem 1G] [--json F]}
 */
public final class QemuBenchmark
{
    private static final long QMP_MS = 30_000;
    private static final long BOOT_MS = 120_000;
    private static final int PATTERN_MIB = 64;
    private static int rate = 2000;
    private static long qemuBandwidth = 10L << 30;

    private final QemuRig rig;
    private final Path work;
    private final String ramshift;
    private final String memory;
    private final Map<String, List<Result>> results = new LinkedHashMap<>();
    private final Map<String, List<String>> failures = new LinkedHashMap<>();

    private QemuBenchmark(final QemuRig rig, final Path work, final String ramshift, final String memory)
    {
        this.rig = rig;
        this.work = work;
        this.ramshift = ramshift;
        this.memory = memory;
    }

    /** One measured move. */
    private record Result(double totalSeconds, double engineSeconds, double downtimeSeconds,
        double reportedDowntimeSeconds, long bytes, long destinationAllocated, String guestFailure)
    {
    }

    /**
     * @param args {@code --ramshift PATH [--runs N] [--mem SIZE] [--json FILE]}.
     * @throws Exception when a run fails.
     */
    public static void main(final String[] args) throws Exception
    {
        String ramshift = "./ramshift";
        int runs = 3;
        String memory = "1G";
        Path json = Path.of("qemu-bench-results.json");
        List<String> tools = List.of("qemu", "ramshift", "ramshift-lz4");
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--ramshift" -> ramshift = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--mem" -> memory = args[++i];
                case "--json" -> json = Path.of(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--qemu-bandwidth" -> qemuBandwidth = Long.parseLong(args[++i]);
                case "--tools" -> tools = Arrays.asList(args[++i].split(","));
                default -> throw new IllegalArgumentException("usage: qemu-bench [--runs N] [--mem 1G] [--json F] " +
                    "[--rate PAGES/s] [--qemu-bandwidth BYTES/s] [--tools qemu,ramshift,ramshift-lz4]");
            }
        }
        final QemuRig rig = QemuRig.ensureBuilt();
        final Path work = Files.createTempDirectory(Path.of("/tmp"), "rsqb");
        final QemuBenchmark bench = new QemuBenchmark(rig, work, ramshift, memory);
        final String qemu = "QEMU migrate (tcp, max-bandwidth 10 GiB/s)";
        final String adaptive = "ramshift qemu migrate";
        final String lz4 = "ramshift qemu migrate --lz4-always";
        for (int run = 0; run < runs; run++)
        {
            // alternate the order so neither side always runs on a warmer machine
            final String[] order = run % 2 == 0 ? new String[] {qemu, adaptive, lz4} : new String[] {lz4, adaptive, qemu};
            for (final String name : order)
            {
                final String key = name == qemu ? "qemu" : name == adaptive ? "ramshift" : "ramshift-lz4";
                if (tools.contains(key))
                {
                    bench.measure(name, run);
                }
            }
        }
        bench.report(json);
        deleteTree(work);
    }

    private void measure(final String name, final int run)
    {
        try
        {
            record(name, name.startsWith("QEMU") ? qemuNative(run) : ramshift(run, name.endsWith("--lz4-always")));
        }
        catch (final Exception ex)
        {
            // a move that breaks the guest is a result too: counted and reported, not hidden
            failures.computeIfAbsent(name, (k) -> new ArrayList<>()).add(firstLines(ex.getMessage()));
            results.computeIfAbsent(name, (k) -> new ArrayList<>());
            System.out.printf(Locale.ROOT, "  %-45s FAILED: %s%n", name, firstLines(ex.getMessage()));
        }
    }

    private static String firstLines(final String message)
    {
        final String text = String.valueOf(message).replace('\n', ' ');
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private void record(final String name, final Result result)
    {
        results.computeIfAbsent(name, (k) -> new ArrayList<>()).add(result);
        if (result.guestFailure != null)
        {
            failures.computeIfAbsent(name, (k) -> new ArrayList<>()).add(result.guestFailure);
        }
        System.out.printf(Locale.ROOT, "  %-45s total %.3f s  downtime %.1f ms  bytes %,d  guest %s%n", name,
            result.totalSeconds, result.downtimeSeconds * 1e3, result.bytes,
            result.guestFailure == null ? "OK" : "BROKEN: " + result.guestFailure);
    }

    private Result qemuNative(final int run) throws Exception
    {
        final Path dir = work.resolve("q" + run);
        try (QemuGuest source = bootSource(dir.resolve("s"));
            QemuGuest destination = QemuGuest.incoming(rig, dir.resolve("d"), memory, PATTERN_MIB, rate))
        {
            final int port = freePort();
            final QmpClient dst = destination.qmp();
            dst.execute("migrate-incoming", Map.of("uri", "tcp:127.0.0.1:" + port), QMP_MS);
            final QmpClient src = source.qmp();
            src.execute("migrate-set-parameters", Map.of("max-bandwidth", qemuBandwidth), QMP_MS);
            src.clearEvents();
            dst.clearEvents();
            final long startMicros = nowMicros();
            src.execute("migrate", Map.of("uri", "tcp:127.0.0.1:" + port), QMP_MS);
            Map<String, Object> info;
            final long deadline = System.currentTimeMillis() + 300_000;
            while (true)
            {
                info = src.query("query-migrate", null, QMP_MS);
                final Object status = info.get("status");
                if ("completed".equals(status))
                {
                    break;
                }
                if ("failed".equals(status) || "cancelled".equals(status) || System.currentTimeMillis() > deadline)
                {
                    throw new IllegalStateException("QEMU migration " + status + ": " + info);
                }
                Thread.sleep(5);
            }
            final long stopMicros = QmpClient.eventMicros(src.awaitEvent("STOP", QMP_MS));
            final long resumeMicros = QmpClient.eventMicros(dst.awaitEvent("RESUME", QMP_MS));
            final Map<?, ?> ram = (Map<?, ?>)info.get("ram");
            final long bytes = ((Number)ram.get("transferred")).longValue();
            final double reported = ((Number)info.get("downtime")).doubleValue() / 1e3;
            final double engine = ((Number)info.get("total-time")).doubleValue() / 1e3;
            final long allocated = DataExtents.allocatedBytes(destination.ramFile());
            return new Result((resumeMicros - startMicros) / 1e6, engine, (resumeMicros - stopMicros) / 1e6, reported,
                bytes, allocated, checkContinues(source, destination));
        }
    }

    private Result ramshift(final int run, final boolean lz4Always) throws Exception
    {
        final Path dir = work.resolve("r" + run + (lz4Always ? "z" : ""));
        try (QemuGuest source = bootSource(dir.resolve("s"));
            QemuGuest destination = QemuGuest.incoming(rig, dir.resolve("d"), memory, PATTERN_MIB, rate))
        {
            destination.qmp();
            destination.releaseQmp();
            source.releaseQmp();
            final List<String> command = new ArrayList<>(List.of(ramshift, "qemu", "migrate",
                "--source-qmp", source.qmpSocket().toString(), "--source-ram", source.ramFile().toString(),
                "--dest-qmp", destination.qmpSocket().toString(), "--dest-ram", destination.ramFile().toString(),
                "--json"));
            if (lz4Always)
            {
                command.add("--lz4-always");
            }
            final long start = System.nanoTime();
            final Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            final String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0)
            {
                process.destroyForcibly();
                throw new IllegalStateException("ramshift qemu migrate failed: " + out + err);
            }
            final double wall = (System.nanoTime() - start) / 1e9;
            final long allocated = DataExtents.allocatedBytes(destination.ramFile());
            return new Result(wall, jsonDouble(out, "totalSeconds"), jsonDouble(out, "downtimeSeconds"),
                jsonDouble(out, "downtimeSeconds"), (long)jsonDouble(out, "bytesOnWire"), allocated,
                checkContinues(source, destination));
        }
    }

    private QemuGuest bootSource(final Path dir)
    {
        final QemuGuest source = QemuGuest.boot(rig, dir, memory, PATTERN_MIB, rate);
        try
        {
            source.awaitLine((line) -> line.counter() >= 3 && line.ok(), BOOT_MS);
            return source;
        }
        catch (final RuntimeException ex)
        {
            source.close();
            throw ex;
        }
    }

    /**
     * @return null when the destination guest counts on from the source's last value with its pattern intact,
     * else what went wrong (the console's last line).
     */
    private static String checkContinues(final QemuGuest source, final QemuGuest destination)
    {
        final List<GuestLine> before = source.lines();
        final long last = before.get(before.size() - 1).counter();
        try
        {
            final GuestLine next = destination.awaitLine((line) -> line.counter() >= last + 2, 60_000);
            for (final GuestLine line : destination.lines())
            {
                if (!line.ok())
                {
                    return "destination guest pattern broken: " + line;
                }
            }
            return next.counter() > last + 4 ? "destination counter jumped: " + last + " -> " + next : null;
        }
        catch (final RuntimeException ex)
        {
            final String tail = destination.consoleTail();
            final int panic = tail.indexOf("Kernel panic");
            return "destination guest died: " + (panic >= 0 ? tail.substring(panic).split("\n")[0] :
                firstLines(ex.getMessage()));
        }
    }

    private void report(final Path json) throws IOException
    {
        final List<String> names = new ArrayList<>(results.keySet());
        names.sort((a, b) -> Boolean.compare(!a.startsWith("QEMU"), !b.startsWith("QEMU")));
        final String qemu = names.get(0);
        final double qemuTotal = median(results.get(qemu), Result::totalSeconds);
        final double qemuBytes = median(results.get(qemu), (r) -> (double)r.bytes);
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n%d-run medians, %s guest, %d MiB pattern rewritten at %d pages/s:%n%n",
            results.get(qemu).size(), memory, PATTERN_MIB, rate));
        out.append("| tool | guest OK after the move / runs | total (s) | engine (s) | downtime STOP→RESUME (ms) | downtime reported (ms) | bytes on the " +
            "wire | destination allocated | total vs QEMU | bytes vs QEMU |\n|---|---|---|---|---|---|---|---|---|---|\n");
        final StringBuilder data = new StringBuilder("{\"memory\":\"" + memory + "\",\"tools\":[");
        for (int i = 0; i < names.size(); i++)
        {
            final List<Result> list = results.get(names.get(i));
            final int failed = failures.getOrDefault(names.get(i), List.of()).size();
            if (list.isEmpty())
            {
                out.append(String.format(Locale.ROOT, "| %s | 0 / %d | | | | | | | | |%n", names.get(i), failed));
                continue;
            }
            final long healthy = list.stream().filter((r) -> r.guestFailure == null).count();
            final double total = median(list, Result::totalSeconds);
            final double engine = median(list, Result::engineSeconds);
            final double downtime = median(list, Result::downtimeSeconds);
            final double reported = median(list, Result::reportedDowntimeSeconds);
            final double bytes = median(list, (r) -> (double)r.bytes);
            final double allocated = median(list, (r) -> (double)r.destinationAllocated);
            out.append(String.format(Locale.ROOT, "| %s | %d / %d | %.3f | %.3f | %.1f | %.1f | %,.0f | %,.0f | %.2f | " +
                "%.2f |%n", names.get(i), healthy, list.size(), total, engine, downtime * 1e3, reported * 1e3, bytes, allocated, total / qemuTotal,
                bytes / qemuBytes));
            data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                "{\"tool\":\"%s\",\"failed\":%d,\"runs\":%d,\"totalSeconds\":%.4f,\"engineSeconds\":%.4f,\"downtimeSeconds\":%.4f," +
                    "\"reportedDowntimeSeconds\":%.4f,\"bytes\":%.0f,\"destinationAllocated\":%.0f," +
                    "\"totalVsQemu\":%.3f,\"bytesVsQemu\":%.3f,\"totalsSeconds\":%s}",
                names.get(i), failed, list.size(), total, engine, downtime, reported, bytes, allocated, total / qemuTotal,
                bytes / qemuBytes, Arrays.toString(values(list, Result::totalSeconds))));
        }
        data.append("],\"failures\":[");
        boolean first = true;
        for (final Map.Entry<String, List<String>> entry : failures.entrySet())
        {
            for (final String reason : entry.getValue())
            {
                out.append(String.format(Locale.ROOT, "%nFAILED %s: %s", entry.getKey(), reason));
                data.append(first ? "" : ",").append("{\"tool\":\"").append(entry.getKey()).append("\",\"reason\":\"")
                    .append(reason.replace("\\", "/").replace("\"", "'")).append("\"}");
                first = false;
            }
        }
        data.append("]}");
        System.out.println(out);
        Files.writeString(json, data.toString());
        System.out.println("wrote " + json.toAbsolutePath());
    }

    /** One figure of a measured move. */
    private interface Figure
    {
        double of(Result result);
    }

    private static double median(final List<Result> list, final Figure figure)
    {
        return Medians.of(values(list, figure));
    }

    private static double[] values(final List<Result> list, final Figure figure)
    {
        final double[] values = new double[list.size()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = figure.of(list.get(i));
        }
        return values;
    }

    private static double jsonDouble(final String json, final String name)
    {
        final int at = json.indexOf("\"" + name + "\":");
        if (at < 0)
        {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        int end = at + name.length() + 3;
        while (end < json.length() && ",}".indexOf(json.charAt(end)) < 0)
        {
            end++;
        }
        return Double.parseDouble(json.substring(at + name.length() + 3, end));
    }

    private static long nowMicros()
    {
        final Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(final Path dir) throws IOException
    {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
