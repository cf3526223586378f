"""The pure parts of benchmarks/compile_bench.py: a fresh run starts from no kept code and
leaves the kept code as it found it. Nothing is timed here."""

from benchmarks.compile_bench import answers, percentile, timed
from generator.render import COMPILED


def test_a_fresh_run_sees_no_kept_code_and_puts_it_back(monkeypatch):
    monkeypatch.setattr(COMPILED, "codes", type(COMPILED.codes)())
    COMPILED.codes[("key",)] = compile("1", "<test>", "eval")
    before = dict(COMPILED.codes)
    seen = []
    timed(lambda: seen.append(len(COMPILED.codes)), fresh=True)
    timed(lambda: seen.append(len(COMPILED.codes)), fresh=False)
    assert seen == [0, 1]
    assert dict(COMPILED.codes) == before


def test_every_measured_spec_is_new_and_the_percentile_is_a_measured_value():
    assert answers("default", 3) == {"name": "bench 3"}
    assert answers("api", 4) == {"name": "bench 4", "preset": "api"}
    values = [float(n) for n in range(1, 21)]
    assert percentile(values, 0.5) == 10.0
    assert percentile(values, 0.95) == 19.0
