"""Loads a Labelchain dataset export the way a user would, with the real packages,
and prints ONE JSON document of what they read (deploy/dataset/tests/python.rs
compares it with the rows written):

  {"versions": {...},
   "configs": {"default"|"jsonl"|"json"|"csv": {SPLIT: {"num_rows", "features", "rows"}}},
   "files":   {RELATIVE_PATH: {"pandas": [rows], "pyarrow": [rows] | null,
                               "features" (Parquet only, from the file's metadata)}}}

`default` is `datasets.load_dataset(DIR)` (the card's Parquet config); the other
formats load with their own builder and the default config's features, as the card
shows. "features" maps each column to its dtype, or to {"class_label": [names]}.

Usage: load_dataset.py DIR
"""

import json
import math
import os
import sys

import datasets
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

# pandas' nullable dtypes per datasets dtype: numpy integers cannot hold a missing value.
PANDAS_DTYPE = {"uint32": "UInt32", "uint8": "UInt8", "int64": "Int64", "float64": "float64", "string": "string"}


def plain(v):
    """A JSON-ready Python value: numpy scalars unwrapped, NA and NaN as None."""
    if v is None or v is pd.NA:
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def records(rows):
    return [{k: plain(v) for k, v in r.items()} for r in rows]


def describe(features):
    out = {}
    for name, f in features.items():
        if isinstance(f, datasets.ClassLabel):
            out[name] = {"class_label": f.names}
        else:
            out[name] = f.dtype
    return out


def splits(dd):
    return {
        split: {"num_rows": ds.num_rows, "features": describe(ds.features), "rows": ds.to_list()}
        for split, ds in dd.items()
    }


def pandas_dtypes(features):
    return {name: PANDAS_DTYPE["int64" if isinstance(f, datasets.ClassLabel) else f.dtype] for name, f in features.items()}


def main(root):
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    default = datasets.load_dataset(root)
    features = next(iter(default.values())).features
    dtypes = pandas_dtypes(features)
    configs = {"default": splits(default)}
    configs["jsonl"] = splits(datasets.load_dataset("json", data_dir=os.path.join(root, "jsonl"), features=features))
    configs["json"] = splits(datasets.load_dataset("json", data_dir=os.path.join(root, "json"), features=features))
    # datasets' csv builder reads integer features as numpy integers, which cannot hold
    # an empty cell: pandas' nullable dtypes read the file, datasets takes the frame.
    csv = datasets.DatasetDict(
        {
            split: datasets.Dataset.from_pandas(
                pd.read_csv(os.path.join(root, "csv", f"{split}.csv"), dtype=dtypes, keep_default_na=False, na_values=[""]),
                features=features,
                preserve_index=False,
            )
            for split in default
        }
    )
    configs["csv"] = splits(csv)

    schema = features.arrow_schema
    files = {}
    for split in default:
        p = lambda rel: os.path.join(root, rel)
        parquet = f"data/{split}-00000-of-00001.parquet"
        files[parquet] = {
            "pandas": records(pd.read_parquet(p(parquet), dtype_backend="numpy_nullable").to_dict("records")),
            "pyarrow": pq.read_table(p(parquet)).to_pylist(),
            # The features datasets takes from the file's own "huggingface" metadata.
            "features": describe(datasets.Features.from_arrow_schema(pq.read_schema(p(parquet)))),
        }
        jsonl = f"jsonl/{split}.jsonl"
        files[jsonl] = {
            "pandas": records(
                pd.read_json(p(jsonl), lines=True, dtype=dtypes, convert_dates=False, precise_float=True).to_dict("records")
            ),
            "pyarrow": pajson.read_json(
                p(jsonl), parse_options=pajson.ParseOptions(explicit_schema=schema)
            ).to_pylist(),
        }
        array = f"json/{split}.json"
        files[array] = {
            # pyarrow reads only JSON Lines, not a JSON array.
            "pandas": records(
                pd.read_json(p(array), orient="records", dtype=dtypes, convert_dates=False, precise_float=True).to_dict("records")
            ),
            "pyarrow": None,
        }
        csvf = f"csv/{split}.csv"
        options = pacsv.ConvertOptions(
            column_types=schema, null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True
        )
        files[csvf] = {
            "pandas": records(
                pd.read_csv(p(csvf), dtype=dtypes, keep_default_na=False, na_values=[""]).to_dict("records")
            ),
            "pyarrow": pacsv.read_csv(p(csvf), convert_options=options).to_pylist(),
        }
    versions = {"datasets": datasets.__version__, "pandas": pd.__version__, "pyarrow": pa.__version__}
    json.dump({"versions": versions, "configs": configs, "files": files}, sys.stdout, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: load_dataset.py DIR")
    main(sys.argv[1])
