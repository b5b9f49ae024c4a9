"""Reads what an MLflow tracking server holds for one experiment with the `mlflow` Python
client (MlflowClient), independently of deploy/trigger's REST code, and prints it as JSON:
{"runs": [{"run_id", "run_name", "start_time", "tags", "inputs": [{"name", "digest",
"source_type", "source", "tags"}]}]} or {"runs": null} if the experiment does not exist.

Usage: mlflow_check.py TRACKING_URI EXPERIMENT
"""

import json
import sys

from mlflow.tracking import MlflowClient


def main():
    uri, name = sys.argv[1], sys.argv[2]
    client = MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name(name)
    if exp is None:
        print(json.dumps({"runs": None}))
        return
    runs = []
    for found in client.search_runs([exp.experiment_id]):
        run = client.get_run(found.info.run_id)
        runs.append({
            "run_id": run.info.run_id,
            "run_name": run.info.run_name,
            "start_time": run.info.start_time,
            "tags": run.data.tags,
            "inputs": [
                {
                    "name": d.dataset.name,
                    "digest": d.dataset.digest,
                    "source_type": d.dataset.source_type,
                    "source": d.dataset.source,
                    "tags": {t.key: t.value for t in d.tags},
                }
                for d in run.inputs.dataset_inputs
            ],
        })
    print(json.dumps({"runs": runs}))


if __name__ == "__main__":
    main()
