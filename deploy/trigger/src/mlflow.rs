//! The MLflow target over the tracking server's REST API 2.0: get or create the
//! experiment, reuse the run already tagged with the idempotency key or create one tagged
//! with the event, and log the dataset version as the run's training input.
//!
//! Each attempt replays the whole sequence; every step is idempotent (the run is found by
//! its tag, MLflow de-duplicates a dataset input logged twice), so a retry after a failure
//! half-way never makes a second run.

use reqwest::Url;
use serde_json::{json, Value};

use crate::event::Event;
use crate::retry::{send, with_retries, Failure, RetryPolicy};

/// The tag that makes runs findable by idempotency key.
pub const KEY_TAG: &str = "labelchain.idempotency_key";
/// MLflow stores a dataset digest in 36 characters (`MAX_DATASET_DIGEST_SIZE`); the
/// full file hash is in the run's `labelchain.file_hash` tag.
const DIGEST_LEN: usize = 36;

/// The run a delivery made or found.
#[derive(Debug)]
pub(crate) struct Run {
    pub id: String,
    pub existing: bool,
    pub experiment_id: String,
}

pub(crate) async fn deliver(
    client: &reqwest::Client,
    tracking_uri: &str,
    experiment: &str,
    event: &Event,
    key: &str,
    start_ms: i64,
    policy: &RetryPolicy,
) -> (Result<Run, Failure>, u32) {
    let api = Api {
        client,
        base: format!("{tracking_uri}/api/2.0/mlflow"),
    };
    with_retries(policy, |_| attempt(&api, experiment, event, key, start_ms)).await
}

async fn attempt(
    api: &Api<'_>,
    experiment: &str,
    event: &Event,
    key: &str,
    start_ms: i64,
) -> Result<Run, Failure> {
    let experiment_id = api.experiment_id(experiment).await?;
    if let Some((id, has_input)) = api.find_run(&experiment_id, key).await? {
        if !has_input {
            api.log_input(&id, event).await?;
        }
        return Ok(Run {
            id,
            existing: true,
            experiment_id,
        });
    }
    let id = api.create_run(&experiment_id, event, key, start_ms).await?;
    api.log_input(&id, event).await?;
    Ok(Run {
        id,
        existing: false,
        experiment_id,
    })
}

struct Api<'a> {
    client: &'a reqwest::Client,
    base: String,
}

impl Api<'_> {
    async fn get_experiment(&self, name: &str) -> Result<Option<String>, Failure> {
        let step = "experiments/get-by-name";
        let mut url = Url::parse(&format!("{}/{step}", self.base))
            .map_err(|e| permanent(step, &e.to_string()))?;
        url.query_pairs_mut().append_pair("experiment_name", name);
        let found = match send(self.client.get(url)).await {
            Ok(reply) => parse(step, &reply.body)?,
            Err(f) if error_code(&f) == Some("RESOURCE_DOES_NOT_EXIST") => return Ok(None),
            Err(f) => return Err(f.context(step)),
        };
        let exp = &found["experiment"];
        if exp["lifecycle_stage"] == "deleted" {
            return Err(permanent(
                step,
                &format!("experiment `{name}` is deleted: restore it or name another"),
            ));
        }
        string(step, &exp["experiment_id"]).map(Some)
    }

    /// Gets the experiment's id, creating it if missing. A concurrent creator wins the
    /// race with RESOURCE_ALREADY_EXISTS, after which the experiment is simply read.
    async fn experiment_id(&self, name: &str) -> Result<String, Failure> {
        if let Some(id) = self.get_experiment(name).await? {
            return Ok(id);
        }
        let step = "experiments/create";
        match self.post(step, json!({ "name": name })).await {
            Ok(v) => string(step, &v["experiment_id"]),
            Err(f) if error_code(&f) == Some("RESOURCE_ALREADY_EXISTS") => self
                .get_experiment(name)
                .await?
                .ok_or_else(|| permanent(step, "experiment reported existing but not found")),
            Err(f) => Err(f),
        }
    }

    /// The run tagged with `key`, if any, and whether it already has a dataset input.
    async fn find_run(
        &self,
        experiment_id: &str,
        key: &str,
    ) -> Result<Option<(String, bool)>, Failure> {
        let step = "runs/search";
        // The key is hex, so it needs no escaping inside the quoted filter value.
        let filter = format!("tags.`{KEY_TAG}` = '{key}'");
        let v = self
            .post(
                step,
                json!({ "experiment_ids": [experiment_id], "filter": filter, "max_results": 1 }),
            )
            .await?;
        let Some(run) = v["runs"].as_array().and_then(|r| r.first()) else {
            return Ok(None);
        };
        let id = string(step, &run["info"]["run_id"])?;
        let has_input = run["inputs"]["dataset_inputs"]
            .as_array()
            .is_some_and(|d| !d.is_empty());
        Ok(Some((id, has_input)))
    }

    async fn create_run(
        &self,
        experiment_id: &str,
        event: &Event,
        key: &str,
        start_ms: i64,
    ) -> Result<String, Failure> {
        let step = "runs/create";
        let tags: Vec<Value> = run_tags(event, key)
            .into_iter()
            .map(|(k, v)| json!({ "key": k, "value": v }))
            .collect();
        let body = json!({
            "experiment_id": experiment_id,
            "run_name": format!("labelchain task {} v{}", event.task, event.version),
            "start_time": start_ms,
            "tags": tags,
        });
        let v = self.post(step, body).await?;
        string(step, &v["run"]["info"]["run_id"])
    }

    async fn log_input(&self, run_id: &str, event: &Event) -> Result<(), Failure> {
        let hex = event.file_hash.trim_start_matches("0x");
        let source = json!({
            "uri": event.uri,
            "chain_id": event.chain_id,
            "registry": event.registry,
            "task": event.task,
            "version": event.version,
        });
        let body = json!({
            "run_id": run_id,
            "datasets": [{
                "tags": [{ "key": "mlflow.data.context", "value": "training" }],
                "dataset": {
                    "name": format!("labelchain-task-{}", event.task),
                    "digest": &hex[..DIGEST_LEN.min(hex.len())],
                    "source_type": "labelchain",
                    "source": source.to_string(),
                },
            }],
        });
        self.post("runs/log-inputs", body).await.map(|_| ())
    }

    async fn post(&self, step: &str, body: Value) -> Result<Value, Failure> {
        let req = self
            .client
            .post(format!("{}/{step}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        let reply = send(req).await.map_err(|f| f.context(step))?;
        parse(step, &reply.body)
    }
}

/// The event as run tags, so the MLflow UI and searches show where the data came from.
fn run_tags(event: &Event, key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("labelchain.chain_id", event.chain_id.to_string()),
        ("labelchain.registry", event.registry.clone()),
        ("labelchain.task", event.task.to_string()),
        ("labelchain.version", event.version.to_string()),
        ("labelchain.labels_digest", event.labels_digest.clone()),
        ("labelchain.file_hash", event.file_hash.clone()),
        ("labelchain.uri", event.uri.clone()),
        ("labelchain.publish_tx", event.publish_tx.clone()),
        ("labelchain.start_time", event.start_time.clone()),
        ("labelchain.encrypted", event.encrypted.to_string()),
        (KEY_TAG, key.to_string()),
    ]
}

/// MLflow's error code from a refused request's JSON body (`{"error_code": …}`).
fn error_code(f: &Failure) -> Option<&str> {
    let Failure::Permanent { response, .. } = f else {
        return None;
    };
    let start = response.find("\"error_code\"")?;
    let rest = response[start + 12..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let rest = rest.strip_prefix('"')?;
    rest.split('"').next()
}

/// An empty 200 body is MLflow's `{}`; anything but JSON is not an MLflow server.
fn parse(step: &str, body: &str) -> Result<Value, Failure> {
    if body.trim().is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_str(body)
        .map_err(|_| permanent(step, &format!("not an MLflow JSON answer: {body}")))
}

fn string(step: &str, v: &Value) -> Result<String, Failure> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| permanent(step, "answer lacks the expected id"))
}

fn permanent(step: &str, why: &str) -> Failure {
    Failure::Permanent {
        status: None,
        response: format!("{step}: {why}"),
    }
}
