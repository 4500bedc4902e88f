"""What the benchmark scripts share: medians in milliseconds, and one printed line per figure,
with its baseline ratio and target, kept for --json."""
import json
import statistics
from pathlib import Path


def median_ms(values):
    return statistics.median(values) * 1000


class Figures:
    def __init__(self):
        self.all = {}

    def report(self, name, value, unit, baseline=None, target=None):
        self.all[name] = {"value": round(value, 3), "unit": unit, "baseline": baseline and round(baseline, 3),
                          "target": target}
        line = f"{name:<42} {value:>9.2f} {unit:<6}"
        if baseline:
            line += f" baseline {baseline:>8.2f} ({value / baseline:4.1f}x)"
        if target is not None:
            line += f"   target <= {target} {'ok' if value <= target else 'OVER'}"
        print(line, flush=True)

    def save(self, path):
        if path:
            Path(path).write_text(json.dumps(self.all, indent=2))
