#!/usr/bin/env python3
"""Renders a PeerBenchmark JSON result file as the Markdown tables used in the README."""
import json
import sys

for path in sys.argv[1:]:
    with open(path) as f:
        data = json.load(f)
    print(f"Machine in the same run: memory read {data['memoryReadGBps']:.1f} GB/s (1 thread), loopback TCP "
          f"{data['loopbackGBps']:.2f} GB/s (1 stream); median of {data['runs']} runs.\n")
    for image in data['images']:
        best = min((t['wallSeconds'] for t in image['tools'] if t['ok'] and not t['name'].startswith('ramshift')),
                   default=float('nan'))
        print(f"**{image['profile']} {image['size']}** — information floor {image['floorBytes']:,} bytes "
              f"({100.0 * image['floorBytes'] / image['imageBytes']:.2f}% of the image); best peer: {image['bestPeer']}\n")
        print("| tool | wall s | GB/s of image | CPU s | bytes on the wire | % of image | ramshift vs best peer |")
        print("|---|---|---|---|---|---|---|")
        for t in image['tools']:
            if not t['ok']:
                print(f"| {t['name']} | failed | | | | | |")
                continue
            wire = f"{t['wireBytes']:,}" if t['wireBytes'] >= 0 else "n/a"
            pct = f"{100.0 * t['wireBytes'] / image['imageBytes']:.2f}" if t['wireBytes'] >= 0 else "-"
            ratio = f"{best / t['wallSeconds']:.2f}×" if t['name'].startswith('ramshift') else ""
            name = t['name'].replace('|', '\\|')
            if t['engineSeconds'] > 0:
                name += f" (engine {t['engineSeconds']:.3f} s)"
            print(f"| {name} | {t['wallSeconds']:.3f} | {image['imageBytes'] / t['wallSeconds'] / 1e9:.2f} | "
                  f"{t['cpuSeconds']:.2f} | {wire} | {pct} | {ratio} |")
        print()
    if data.get('notes'):
        print("Notes: " + "; ".join(data['notes']) + "\n")
