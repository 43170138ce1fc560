"""metric-config-parser's verdict on definitions, functions, defaults and outcome files, as
Jetstream's validate_config runs them: entity_from_path, then the entity's validate()."""
import copy
import json
import sys
from pathlib import Path

from metric_config_parser.config import ConfigCollection, entity_from_path
from metric_config_parser.function import FunctionsSpec
from metric_config_parser.config import Outcome

root = Path(sys.argv[1])
collection = ConfigCollection.from_github_repos([str(root), str(root / "jetstream")])
for name in sys.argv[2:]:
    path = Path(name)
    record = {"file": str(path), "parser": False, "error": None}
    try:
        entity = entity_from_path(path)
        if not isinstance(entity, FunctionsSpec):
            configs = copy.deepcopy(collection)
            if isinstance(entity, Outcome):
                entity.validate(configs)
            else:
                entity.validate(configs, None)
        record["parser"] = True
    except Exception as e:
        record["error"] = f"{type(e).__name__}: {e}"
    print(json.dumps(record), flush=True)
