"""Answer files × flags (issue 27): whatever an answer file holds and whatever flags go with it,
merging gives a valid spec or one line of error, never a traceback.

The fuzzer an outside tester ran found three crash sites in `spec.merge` (`settings: {cors: abc}`
with `--set cors.origins=…`, `middleware: null` with `-m`, `routes: 5` with `-r`); this is it, run
on real answer files read the way `dualgen new --answers FILE` reads them, with the flags as
Click hands them to the command.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import catalog, spec
from generator.bench import bench_answers
from generator.cli.options import _answers_from_options
from generator.errors import UsageError

MIDDLEWARE = [choice.key for choice in catalog.MIDDLEWARE]
CHOICES = list(catalog.CHOICES)
SETTING_NAMES = sorted({s.key for choice in catalog.CHOICES.values() for s in choice.settings})
WORDS = [*MIDDLEWARE, *SETTING_NAMES, "GET", "/x", "method", "path", "resource", "abc", ""]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 70_000)
    | st.sampled_from(WORDS)
    | st.text(max_size=6)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(WORDS) | scalars, inner, max_size=3)
    ),
    max_leaves=10,
)
#: Settings as a file writes them (choice → name → value), and anything else in their place.
settings_values = st.dictionaries(
    st.sampled_from(CHOICES) | st.sampled_from(WORDS),
    st.dictionaries(st.sampled_from(SETTING_NAMES), values, max_size=2) | values,
    max_size=3,
)
answer_files = st.fixed_dictionaries(
    {},
    optional={
        "preset": st.sampled_from([*catalog.PRESETS, "nope"]) | values,
        "middleware": st.lists(st.sampled_from(MIDDLEWARE), max_size=3) | values,
        "settings": settings_values | values,
        "routes": st.lists(
            st.fixed_dictionaries({"method": st.just("GET"), "path": st.sampled_from(["/a", "/"])})
            | values,
            max_size=2,
        )
        | values,
        **{key: values for key in spec.ANSWER_KEYS if key not in ("middleware", "settings")},
    },
)
#: Files a user would write (mostly valid), so that the flags meet merged answers that build.
plausible_files = st.fixed_dictionaries(
    {},
    optional={
        "preset": st.sampled_from(list(catalog.PRESETS)),
        "middleware": st.lists(st.sampled_from(MIDDLEWARE), max_size=3),
        "settings": st.dictionaries(
            st.sampled_from(MIDDLEWARE),
            st.dictionaries(st.sampled_from(SETTING_NAMES), scalars, max_size=1),
            max_size=2,
        ),
        "name": st.sampled_from(["shop", "x"]),
    },
)
flag_middleware = st.lists(st.sampled_from([*MIDDLEWARE, "nope", "cors,logging"]), max_size=3)
flag_routes = st.lists(st.sampled_from(["GET /x", "POST /items", "GET /", "nope", "GET /{id:int}"]))
flag_settings = st.lists(
    st.sampled_from(
        [
            "cors.origins=http://a.example",
            "rate-limit.max=5",
            "rate-limit.max=abc",
            "logging.format=json",
            "nope.x=1",
            "bad",
        ]
    ),
    max_size=3,
)


def answers_from(file_answers: dict, middleware, routes, sets, preset) -> spec.Answers:
    """The merged answers of `dualgen new --answers FILE` with these flags, the file real."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "answers.yaml")
        path.write_text(yaml.safe_dump(file_answers), encoding="utf-8")
        return _answers_from_options(
            None, preset, path, tuple(middleware), tuple(routes), tuple(sets), None, None, None
        )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answer_files | plausible_files,
    flag_middleware,
    flag_routes,
    flag_settings,
    st.none() | st.sampled_from(list(catalog.PRESETS)),
)
@example({"settings": {"cors": "abc"}, "middleware": ["cors"]}, [], [], ["cors.origins=x"], None)
@example({"middleware": None}, ["cors"], [], [], None)
@example({"middleware": 5}, ["cors"], [], [], None)
@example({"routes": 5}, [], ["GET /x"], [], None)
@example({"preset": "production", "settings": {"rate-limit": "abc"}}, [], [], [], None)
def test_answer_files_with_flags_give_a_spec_or_one_line(
    file_answers, middleware, routes, sets, preset
):
    try:
        built = spec.build(answers_from(file_answers, middleware, routes, sets, preset))
    except UsageError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert isinstance(built, spec.ProjectSpec)


@settings(max_examples=200, deadline=None)
@given(answer_files)
@example({"routes": 5})
@example({"settings": {"cors": "abc"}})
def test_the_bench_adds_its_routes_to_any_answer_file_or_refuses_it(file_answers):
    """`dualgen bench --answers FILE` adds two routes and a setting to the file's answers."""
    try:
        built = spec.build(
            bench_answers(answers_from(file_answers, [], [], [], None), 5, 1, "sync")
        )
    except UsageError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert [r.path for r in built.routes][-2:] == ["/bench/delay", "/bench/cpu"]
        assert built.settings["production-server"]["worker-class"] == "sync"
