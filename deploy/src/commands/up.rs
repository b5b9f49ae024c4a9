//! `labelchain up`: a local chain with the protocol deployed and a demo task. Starts the
//! devnode in-process (or uses `--rpc-url`), deploys (idempotent: with `--state` the
//! chain and so the deployment survive restarts), seeds the demo. The caller keeps the
//! returned node alive until Ctrl-C and then shuts it down (which saves the state file).

use std::path::{Path, PathBuf};

use devnode::rpc::{Node, NodeConfig, NodeError, NodeHandle};
use serde::Serialize;

use crate::chain::{connect, Conn};
use crate::commands::deploy::{self, DeployOptions, DeployReport};
use crate::config::{parse_key, Endpoint, Network, DEV_KEY};
use crate::demo;
use crate::error::{Error, Result};
use crate::progress::{Outcome, Progress};
use crate::state::DemoRecord;
use crate::web::{self, DeploymentDoc, WebConfig, WebServer};

#[derive(Clone, Debug)]
pub struct UpOptions {
    /// Port of the in-process devnode (0: any free one).
    pub port: u16,
    /// Keep the chain in this file between runs.
    pub state: Option<PathBuf>,
    /// Use this node instead of starting one (must be a dev chain).
    pub rpc_url: Option<String>,
    pub deploy: DeployOptions,
    pub demo: bool,
}

pub struct Up {
    /// The in-process node, if `up` started one.
    pub node: Option<NodeHandle>,
    pub conn: Conn,
    pub deploy: DeployReport,
    pub demo: Option<DemoRecord>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpSummary<'a> {
    pub rpc_url: &'a str,
    pub chain_id: u64,
    pub deployment: &'a DeployReport,
    pub demo: Option<&'a DemoRecord>,
    pub demo_keys: Vec<(String, String)>,
    /// Where the web app is served (set by the caller that started it).
    pub web_url: Option<String>,
}

/// Where `up` serves the web app.
#[derive(Clone, Debug)]
pub struct WebOptions {
    /// 0: any free port.
    pub port: u16,
    /// The built app ([`web::default_dist`] by default).
    pub dist: PathBuf,
}

impl Up {
    /// Serves the web app for this chain and deployment: the app, `/deployment.json` and
    /// `/demo/` from `<deployments>/demo/` (where the demo writes its items).
    pub async fn serve_web(&self, opts: &WebOptions, deployments_dir: &Path) -> Result<WebServer> {
        let config = WebConfig {
            dist: opts.dist.clone(),
            demo: deployments_dir.join("demo"),
            deployment: DeploymentDoc {
                chain_id: self.conn.chain_id,
                rpc_url: self.conn.endpoint.url.clone(),
                contracts: self.deploy.addresses,
                demo: self.demo.clone(),
            },
        };
        Ok(web::start(opts.port, config).await?)
    }

    pub fn summary(&self) -> UpSummary<'_> {
        let mut keys = vec![("requester".to_string(), demo::key_hex(&demo::requester()))];
        for (i, l) in demo::labellers().iter().enumerate() {
            keys.push((format!("labeller {}", i + 1), demo::key_hex(l)));
        }
        UpSummary {
            rpc_url: &self.conn.endpoint.url,
            chain_id: self.conn.chain_id,
            deployment: &self.deploy,
            demo: self.demo.as_ref(),
            demo_keys: if self.demo.is_some() { keys } else { vec![] },
            web_url: None,
        }
    }
}

pub async fn start(opts: &UpOptions, progress: &dyn Progress) -> Result<Up> {
    let (node, url) = match &opts.rpc_url {
        Some(url) => (None, url.clone()),
        None => {
            progress.start("starting the devnode");
            let node = Node::start(NodeConfig {
                port: opts.port,
                state_file: opts.state.clone(),
                ..NodeConfig::default()
            })
            .map_err(|e| {
                Error::Node(format!(
                    "{e}{}",
                    if matches!(e, NodeError::Bind(..)) {
                        " (is a node already running? use --port, or --rpc-url to use it)"
                    } else {
                        ""
                    }
                ))
            })?;
            let url = node.url().to_owned();
            let block = node.with_chain(|c| c.block_number());
            progress.finish(
                "starting the devnode",
                Outcome::Done(format!("{url}, chain 412346, block {block}")),
            );
            (Some(node), url)
        }
    };
    let endpoint = Endpoint::new(Network::Devnode, Some(url))?;
    let conn = connect(&endpoint, Some(parse_key(DEV_KEY)?)).await?;
    let deploy_opts = DeployOptions {
        // Our own fresh node: a deployments file of an earlier, forgotten chain is stale.
        fresh: node.is_some() || opts.deploy.fresh,
        ..opts.deploy.clone()
    };
    let report = deploy::run(&conn, &deploy_opts, progress).await?;
    let demo = if opts.demo {
        Some(demo::seed(&conn, &opts.deploy.deployments_dir, progress).await?)
    } else {
        None
    };
    Ok(Up {
        node,
        conn,
        deploy: report,
        demo,
    })
}
