//! The devnode as a JSON-RPC node: hyper's HTTP/1.1 server (on a tokio runtime of its own
//! thread; requests are answered on its blocking pool) over one `Mutex<Chain>`, so
//! transactions execute one after another as a sequencer runs them.
//! The `devnode` binary and the `labelchain` CLI start it with [`Node::start`]; tests start
//! it on an ephemeral port.
//!
//! ```no_run
//! use devnode::rpc::{Node, NodeConfig};
//! let node = Node::start(NodeConfig { port: 0, ..NodeConfig::default() }).expect("node");
//! println!("serving {}", node.url());
//! node.shutdown();
//! ```

mod accounts;
mod filters;
mod methods;
mod node;
mod server;
mod state_file;
pub mod tx;
pub mod types;

pub use accounts::{derive_accounts, Account, AccountError, DEFAULT_MNEMONIC, DERIVATION_PATH};
pub use node::{Node, NodeConfig, NodeError, NodeHandle};
pub use state_file::StateFileError;
pub use types::RpcError;
