//! The dataset card (`README.md`) and the Hugging Face features, both from the column
//! table. Every user string in the YAML is a double-quoted scalar built by [`yaml_str`].
//!
//! `configs:` names only the Parquet config: `datasets` (5.2) picks ONE builder for a
//! local directory from the first config's files and uses it for every config, so a
//! `csv` config next to a Parquet default would be read as Parquet and fail. The other
//! formats load with their own builder (`load_dataset("json", data_dir=…)`), as the
//! card's body shows.

use std::fmt::Write as _;

use crate::columns::{Col, Kind};
use crate::layout::{Format, SplitFile};
use crate::provenance::Provenance;

/// A YAML double-quoted scalar holding exactly `s`: printable characters as they are,
/// everything else (controls, line and paragraph separators, BOM) escaped, since YAML
/// folds raw line breaks inside quotes and refuses non-printable characters.
pub fn yaml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if u32::from(c) >= 0xA0 && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}') => {
                out.push(c);
            }
            c if u32::from(c) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\U{:08X}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// `{"info":{"features":{…}}}`, the JSON `datasets` keeps in a Parquet file's
/// key-value metadata under "huggingface"; keys in column order (serde_json's map
/// would sort them).
pub fn hf_features_json(classes: &[String]) -> String {
    let features: Vec<String> = Col::ALL
        .iter()
        .map(|&col| {
            let value = if col == Col::Label {
                let names: Vec<String> = classes.iter().map(|c| json_str(c)).collect();
                format!(r#"{{"names":[{}],"_type":"ClassLabel"}}"#, names.join(","))
            } else {
                format!(r#"{{"dtype":"{}","_type":"Value"}}"#, col.kind().hf_dtype())
            };
            format!("{}:{value}", json_str(col.name()))
        })
        .collect();
    format!(r#"{{"info":{{"features":{{{}}}}}}}"#, features.join(","))
}

/// The YAML front matter: the default config's files per split, its features and its
/// splits (`num_bytes` is the Parquet file's size; `datasets` checks `num_examples`).
fn front_matter(prov: &Provenance, files: &[SplitFile]) -> String {
    let mut y = String::from("---\n");
    let _ = writeln!(y, "pretty_name: {}", yaml_str(&prov.card.title));
    y.push_str("configs:\n- config_name: \"default\"\n  default: true\n  data_files:\n");
    let parquet: Vec<&SplitFile> = files
        .iter()
        .filter(|f| f.format == Format::Parquet)
        .collect();
    for f in &parquet {
        let _ = writeln!(
            y,
            "  - split: {}\n    path: {}",
            yaml_str(f.split.as_str()),
            yaml_str(&f.path)
        );
    }
    y.push_str("dataset_info:\n  config_name: \"default\"\n  features:\n");
    for col in Col::ALL {
        let _ = writeln!(y, "  - name: {}", yaml_str(col.name()));
        if col == Col::Label {
            y.push_str("    dtype:\n      class_label:\n        names:\n");
            for (i, name) in prov.classes.iter().enumerate() {
                let _ = writeln!(
                    y,
                    "          {}: {}",
                    yaml_str(&i.to_string()),
                    yaml_str(name)
                );
            }
        } else {
            let _ = writeln!(y, "    dtype: {}", yaml_str(col.kind().hf_dtype()));
        }
    }
    y.push_str("  splits:\n");
    for f in &parquet {
        let _ = writeln!(
            y,
            "  - name: {}\n    num_bytes: {}\n    num_examples: {}",
            yaml_str(f.split.as_str()),
            f.bytes,
            f.rows
        );
    }
    y.push_str("---\n");
    y
}

/// Text for one Markdown table cell: no line breaks, `|` escaped.
fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// The pandas dtypes a CSV file is read with (nullable integers for empty cells).
pub fn pandas_dtypes_python() -> String {
    let items: Vec<String> = Col::ALL
        .iter()
        .map(|c| {
            format!(
                "{}: {}",
                json_str(c.name()),
                json_str(c.kind().pandas_dtype())
            )
        })
        .collect();
    format!("{{{}}}", items.join(", "))
}

fn how_to_load(b: &mut String, first: &SplitFile) {
    let parquet = Format::Parquet.path(first.split);
    let dtypes = pandas_dtypes_python();
    let _ = write!(
        b,
        r#"## Loading

```python
import datasets, pandas, pyarrow.parquet as pq
ds = datasets.load_dataset("path/to/this/directory")   # the Parquet files; label is a ClassLabel
features = next(iter(ds.values())).features
jsonl = datasets.load_dataset("json", data_dir="path/to/this/directory/jsonl", features=features)
array = datasets.load_dataset("json", data_dir="path/to/this/directory/json", features=features)
dtypes = {dtypes}
csv = datasets.DatasetDict({{split: datasets.Dataset.from_pandas(
    pandas.read_csv(f"path/to/this/directory/csv/{{split}}.csv", dtype=dtypes, keep_default_na=False, na_values=[""]),
    features=features, preserve_index=False) for split in ds}})
df = pandas.read_parquet("path/to/this/directory/{parquet}", dtype_backend="numpy_nullable")
table = pq.read_table("path/to/this/directory/{parquet}")
```

In CSV files a missing value is an empty cell; read them with the dtypes above (pandas'
nullable integers: `datasets`' own csv builder reads integer columns as numpy integers,
which cannot hold a missing value) and `keep_default_na=False, na_values=[""]`, so that
text such as `NA` stays text. `datasets` reads a JSON array file (`json/`) through
pandas' ujson with 10 significant digits, so `agreement` is rounded there; the Parquet,
JSONL and CSV files (and `pandas.read_json(..., precise_float=True)`) read it exactly.
`sha256sum -c MANIFEST` checks every file's hash;
`labelchain dataset verify DIR` checks them and compares every file's rows with the chain.

"#
    );
}

fn provenance_table(b: &mut String, prov: &Provenance) {
    let c = &prov.card;
    let s = &prov.stats;
    let mut rows: Vec<(String, String)> = vec![
        ("Chain id".into(), c.chain_id.to_string()),
        ("Task".into(), c.task.to_string()),
        ("Labels digest".into(), c.labels_digest.clone()),
        ("Final items at the digest (seq)".into(), c.seq.to_string()),
        ("Block read at".into(), c.block.to_string()),
        (
            "Items exported / in task".into(),
            format!("{} / {}", s.items, c.items_in_task),
        ),
        ("Data root (items' Merkle root)".into(), c.data_root.clone()),
        ("Item manifest sha256".into(), c.manifest_sha256.clone()),
    ];
    rows.extend(
        c.contracts
            .iter()
            .map(|k| (format!("Contract {}", k.name), k.address.clone())),
    );
    for (tier, n) in &s.tiers {
        rows.push((format!("Rows of tier {tier}"), n.to_string()));
    }
    for (status, n) in &s.statuses {
        rows.push((format!("Rows {}", status.as_str()), n.to_string()));
    }
    let opt = |v: Option<f64>| v.map_or_else(|| "none".to_string(), |v| format!("{v:.4}"));
    rows.push(("Agreement mean".into(), opt(s.agreement_mean)));
    rows.push(("Agreement min".into(), opt(s.agreement_min)));
    let items = if c.accepted_only {
        "accepted only"
    } else {
        "all, with status"
    };
    rows.push(("Items".into(), items.into()));
    let tier = c
        .min_tier
        .map_or_else(|| "any".to_string(), |t| t.to_string());
    rows.push(("Minimum tier".into(), tier));
    rows.push((
        "Split (train,validation,test %)".into(),
        prov.split.percentages(),
    ));
    rows.push(("Split seed".into(), prov.split.seed().to_string()));
    b.push_str("## Provenance\n\n| | |\n|---|---|\n");
    for (k, v) in rows {
        let _ = writeln!(b, "| {} | {} |", md_cell(&k), md_cell(&v));
    }
}

/// The whole `README.md`.
pub fn render(prov: &Provenance, files: &[SplitFile]) -> String {
    let mut b = front_matter(prov, files);
    let _ = writeln!(b, "\n# {}\n", md_cell(&prov.card.title));
    b.push_str("Labels of a Labelchain task, read from the chain and joined with the requester's item manifest.\n\n");
    b.push_str("Classes: ");
    let names: Vec<String> = prov
        .classes
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{i} = `{}`", md_cell(n).replace('`', "'")))
        .collect();
    let _ = writeln!(b, "{}.\n", names.join(", "));
    b.push_str("Files: `data/` (Parquet, the default), `jsonl/`, `json/` (a JSON array), `csv/`, one file per split; `labelchain.json` (provenance) and `MANIFEST` (sha256 of every other file).\n\n");
    let cols: Vec<String> = Col::ALL
        .iter()
        .map(|c| {
            let ty = match c.kind() {
                Kind::Label => "class label (int64)",
                k => k.hf_dtype(),
            };
            let null = if c.optional() { ", may be missing" } else { "" };
            format!("`{}` ({ty}{null})", c.name())
        })
        .collect();
    let _ = writeln!(b, "Columns: {}.\n", cols.join(", "));
    if let Some(first) = files.first() {
        how_to_load(&mut b, first);
    }
    provenance_table(&mut b, prov);
    b.push_str(concat!(
        "\n## How the split is computed\n\n",
        "Each item's split depends only on its index and the seed:\n\n",
        "```python\nimport hashlib\n",
        "bucket = int.from_bytes(hashlib.sha256(b\"labelchain-split-v1\" + seed.to_bytes(8, \"big\")",
        " + item.to_bytes(4, \"big\")).digest()[:8], \"big\") % 10000\n",
        "split = \"train\" if bucket < train_bps else \"validation\" if bucket < train_bps + validation_bps else \"test\"\n",
        "```\n\n",
        "with the basis points (1/100 %) and seed in `labelchain.json`'s `split`.\n"
    ));
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_escape_what_yaml_would_fold_or_refuse() {
        assert_eq!(yaml_str(r#"a,"b"\c"#), r#""a,\"b\"\\c""#);
        assert_eq!(yaml_str("x\ny\u{2028}\u{7f}"), r#""x\u000Ay\u2028\u007F""#);
        assert_eq!(yaml_str("chat 🐱"), "\"chat 🐱\"");
    }

    #[test]
    fn the_features_json_keeps_column_order_and_class_names() {
        let json = hf_features_json(&["a,\"b".into(), "dog".into()]);
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(v["info"]["features"]["label"]["names"][0], "a,\"b");
        let item = json.find("\"item\"").expect("item");
        let meta = json.find("\"metadata\"").expect("metadata");
        assert!(item < meta);
    }
}
