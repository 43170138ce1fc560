"""metric-config-parser's verdict on each metric-hub experiment config, offline.

For every jetstream/<slug>.toml of a metric-hub checkout: entity_from_path (TOML, top-level
keys, cattrs structuring), then Config.validate against a synthetic experiment of that slug
(control/treatment, 2020-01-01 + 28 days, 7 days enrolment, the config's own outcomes) for each
application in turn; then Jetstream's second resolution of the bare spec. Accepted when some
application resolves. Prints JSON lines {file, parser, jetstream, platform, error}: "parser" is
metric-config-parser's verdict, "jetstream" also requires the bare resolution to succeed.
With INFER_OUTCOMES=1 the experiment gets the outcomes whose parameters the config sets.
"""
import copy
import datetime as dt
import json
import os
import sys
from pathlib import Path

import attr

from metric_config_parser.config import ConfigCollection, entity_from_path
from metric_config_parser.experiment import Branch, Experiment
from pytz import UTC

PLATFORMS = ["firefox_desktop", "fenix", "focus_android", "klar_android", "firefox_ios",
             "focus_ios", "klar_ios", "monitor_cirrus"]

root = Path(sys.argv[1])
files = [Path(f) for f in sys.argv[2:]] or sorted((root / "jetstream").glob("*.toml"))
collection = ConfigCollection.from_github_repos([str(root), str(root / "jetstream")])


def experiment_for(slug, platform):
    start = dt.datetime(2020, 1, 1, tzinfo=UTC)
    return Experiment(
        experimenter_slug=slug, normandy_slug=slug, type="v6", status="Live",
        branches=[Branch(slug="control", ratio=1), Branch(slug="treatment", ratio=1)],
        start_date=start, end_date=start + dt.timedelta(days=28), proposed_enrollment=7,
        reference_branch="control", is_high_population=False, app_name=platform,
        app_id=platform, outcomes=[],
    )


def outcomes_of(path, platform):
    """Experimenter's outcomes of the experiment, unknown offline: inferred as the outcomes of
    the platform that declare a parameter this config sets (a config sets an outcome's
    parameter only for an experiment that uses the outcome)."""
    import toml
    try:
        parameters = set(toml.loads(path.read_text()).get("parameters", {}) or {})
    except Exception:
        return []
    if not INFER or not parameters:
        return []
    return [o.slug for o in collection.outcomes
            if o.platform == platform and parameters & set(o.spec.parameters.definitions)]

INFER = os.environ.get("INFER_OUTCOMES") == "1"


for path in files:
    record = {"file": str(path), "parser": False, "jetstream": False, "platform": None,
              "error": None}
    try:
        entity = entity_from_path(path)
    except Exception as e:
        record["error"] = f"load: {type(e).__name__}: {e}"
        print(json.dumps(record), flush=True)
        continue
    errors = []
    for platform in PLATFORMS:
        configs = copy.deepcopy(collection)
        config = copy.deepcopy(entity)
        experiment = attr.evolve(
            experiment_for(path.stem, platform), outcomes=outcomes_of(path, platform)
        )
        try:
            config.validate(configs, experiment)
        except Exception as e:
            errors.append(f"{platform}: {type(e).__name__}: {e}")
            continue
        record["parser"] = True
        record["platform"] = platform
        try:
            config.spec.resolve(experiment, configs)
            record["jetstream"] = True
        except Exception as e:
            record["error"] = f"bare resolve ({platform}): {type(e).__name__}: {e}"
        break
    if not record["parser"]:
        record["error"] = " | ".join(errors)
    print(json.dumps(record), flush=True)
