import json

import pytest

from generator import catalog, spec


@pytest.mark.parametrize("framework", catalog.FRAMEWORKS, ids=catalog.FRAMEWORKS)
def test_cookiecutter_json_is_derived_from_the_catalog(framework):
    path = catalog.TEMPLATES_DIR / framework / "cookiecutter.json"
    assert json.loads(path.read_text()) == json.loads(
        json.dumps(catalog.cookiecutter_json(framework))
    ), "templates drifted from the catalog: run `python -m generator.catalog`"


@pytest.mark.parametrize("framework", catalog.FRAMEWORKS, ids=catalog.FRAMEWORKS)
def test_each_template_extension_is_a_copy_of_the_literal_writer(framework):
    context = catalog.cookiecutter_json(framework)
    (extension,) = context["_extensions"]
    module = extension.rsplit(".", 1)[0]
    path = catalog.TEMPLATES_DIR / framework / f"{module}.py"
    assert path.read_text(encoding="utf-8") == catalog.extension_source(), (
        f"{path.name} drifted from generator/literals.py: run `python -m generator.catalog`"
    )
    assert catalog.extension_source().endswith(catalog.LITERALS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("choice", catalog.MIDDLEWARE + catalog.CONFIG, ids=lambda c: c.key)
def test_every_choice_exists_in_both_frameworks_with_pinned_packages(choice):
    for framework in catalog.FRAMEWORKS:
        side = choice.side(framework)
        assert side.note
        for package in side.packages + side.dev_packages:
            assert package in catalog.PINS[framework], f"{package} is not pinned"


def test_every_pin_is_an_exact_release():
    for pins in catalog.PINS.values():
        for name, version in pins.items():
            assert version.replace(".", "").isdigit(), f"{name}=={version} is not an exact version"


@pytest.mark.parametrize("name", list(catalog.PRESETS), ids=list(catalog.PRESETS))
def test_presets_build(name):
    built = spec.build({"preset": name})
    assert built.routes[0].label == "GET /"


def test_the_production_preset_uses_every_middleware_but_static_proxy_and_health():
    # Trusting a proxy that is not there would let any client forge its address; a health check
    # is the deployment's choice.
    built = spec.build({"preset": "production"})
    expected = {c.key for c in catalog.MIDDLEWARE} - {"static", "proxy", "health"}
    assert set(built.middleware) == expected
    assert set(built.switches) == {c.key for c in catalog.CONFIG}


def test_packages_follow_the_choices():
    assert catalog.packages("flask", ["cors", "logging"]) == {
        "flask": "3.1.3",
        "flask-cors": "6.0.5",
    }
    assert catalog.packages("express", ["tests"], dev=True) == {"supertest": "7.3.2"}


def test_every_middleware_has_a_partial_per_framework_and_its_exchanges():
    from generator.exchanges import CHOICE_EXCHANGES

    for choice in catalog.MIDDLEWARE:
        assert choice.key in CHOICE_EXCHANGES, choice.key
        for framework, suffix in (("flask", "py"), ("express", "js")):
            partial = catalog.TEMPLATES_DIR / framework / "templates" / "middleware"
            assert (partial / f"{choice.key}.{suffix}.j2").is_file(), (framework, choice.key)
    assert set(CHOICE_EXCHANGES) == {choice.key for choice in catalog.MIDDLEWARE}
