"""dualgen benchmarks: speed measured side by side against peers, as ratios of medians.

Run `python -m benchmarks` (or `python -m benchmarks --quick`) from the repository root;
it writes benchmarks/results.md and benchmarks/servers.png. No speed is asserted here.
"""
