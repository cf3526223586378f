"""The pure parts of benchmarks/speed_bench.py: what each variant renders, how rounds pair up,
and how a ratio is judged against the goal. No server runs and nothing is timed here."""

import re
from pathlib import Path

import pytest

from benchmarks import speed_bench
from benchmarks.speed_bench import Load, answers_for, per_round, verdict
from generator import catalog
from generator import spec as specs

PRESET = (
    "request-id",
    "logging",
    "security-headers",
    "cors",
    "compression",
    "rate-limit",
    "json-body",
    "error-handlers",
)
REFERENCE = Path(speed_bench.__file__).parent / "reference"


def test_generated_is_the_production_preset_with_the_limiter_lifted():
    spec = specs.build(answers_for("generated"))
    assert spec.middleware == PRESET
    assert "strict-parity" not in spec.switches
    assert "production-server" in spec.switches
    assert spec.settings["rate-limit"]["max"] == 1_000_000
    assert spec.settings["logging"]["format"] == "json"


def test_strict_parity_is_the_same_preset_with_the_emulation():
    spec = specs.build(answers_for("strict-parity"))
    assert spec.middleware == PRESET
    assert "strict-parity" in spec.switches
    assert spec.settings["rate-limit"]["max"] == 1_000_000


def test_hello_has_no_middleware_and_the_production_server():
    spec = specs.build(answers_for("hello"))
    assert spec.middleware == ()
    assert "production-server" in spec.switches


def test_a_bisect_variant_leaves_out_exactly_one_middleware():
    spec = specs.build(answers_for("-rate-limit"))
    assert spec.middleware == (
        "request-id",
        "logging",
        "security-headers",
        "cors",
        "compression",
        "json-body",
        "error-handlers",
    )
    assert "rate-limit" not in spec.settings
    assert "strict-parity" not in spec.switches


def test_an_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="'-nope'"):
        answers_for("-nope")


def test_rounds_pair_only_where_both_ran():
    mine = [Load(300.0, 1.0, 0), None, Load(90.0, 1.0, 0), Load(50.0, 1.0, 0)]
    base = [Load(200.0, 1.0, 0), Load(50.0, 1.0, 0), None, Load(100.0, 1.0, 0)]
    assert per_round(mine, base) == [1.5, 0.5]


def test_verdict_every_round_above_the_goal():
    assert verdict([1.0, 1.2, 1.05]) == "met in every round"


def test_verdict_every_round_below_the_goal():
    assert verdict([0.7, 0.99, 0.8]) == "below in every round"


def test_verdict_rounds_on_both_sides_are_noise():
    assert verdict([0.97, 1.03]) == "within the noise"


def test_verdict_without_rounds():
    assert verdict([]) == "not measured"


def test_the_flask_reference_imports_only_the_preset_s_pinned_packages():
    text = (REFERENCE / "flask" / "app.py").read_text(encoding="utf-8")
    modules = set(re.findall(r"^(?:from|import) ([a-z_]+)", text, re.M))
    third_party = modules - {"datetime", "json", "logging", "re", "sys", "time", "uuid"}
    assert third_party == {
        "dotenv",
        "flask",
        "flask_compress",
        "flask_cors",
        "flask_limiter",
        "werkzeug",
    }
    pinned = catalog.packages("flask", list(PRESET) + ["env-file"])
    assert {"flask", "flask-compress", "flask-cors", "flask-limiter", "python-dotenv"} <= set(
        pinned
    )


def test_the_express_reference_requires_only_the_preset_s_pinned_packages():
    text = (REFERENCE / "express" / "app.js").read_text(encoding="utf-8")
    required = set(re.findall(r"require\('([^']+)'\)", text))
    third_party = {name for name in required if not name.startswith("node:")}
    pinned = catalog.packages("express", list(PRESET) + ["env-file"])
    assert third_party == {
        "compression",
        "cors",
        "dotenv",
        "express",
        "express-rate-limit",
        "helmet",
        "morgan",
    }
    assert third_party <= set(pinned)


def test_round_orders_give_every_variant_each_neighbour():
    variants = ["a", "b", "c"]
    orders = [speed_bench.round_order(variants, number) for number in range(6)]
    assert orders == [
        ["a", "b", "c"],
        ["c", "b", "a"],
        ["b", "c", "a"],
        ["a", "c", "b"],
        ["c", "a", "b"],
        ["b", "a", "c"],
    ]
    followed = {(order[i], order[i + 1]) for order in orders for i in range(2)}
    assert followed == {(x, y) for x in variants for y in variants if x != y}
