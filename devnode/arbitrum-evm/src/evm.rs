//! The Arbitrum EVM: revm's mainnet machinery with one hook. A frame whose code carries the
//! Stylus prefix runs as WASM instead of EVM bytecode (as geth's interpreter does on nitro),
//! and the native StylusDeployer runs in Rust. Everything else — value transfer,
//! checkpoints, precompile dispatch, CREATE rules — is revm's own, so EVM contracts behave
//! exactly as on mainnet. The CacheManager is native too.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use revm::context::result::{EVMError, ExecutionResult, InvalidTransaction};
use revm::context::{BlockEnv, CfgEnv, ContextTr, Evm, FrameStack, JournalTr, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::handler::instructions::EthInstructions;
use revm::handler::{
    evm::{ContextDbError, FrameInitResult},
    EthFrame, EvmTr, FrameInitOrResult, FrameResult, FrameTr, Handler, ItemOrResult,
    MainnetHandler,
};
use revm::handler::{instructions::InstructionProvider, FrameData};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{CallScheme, FrameInput, InterpreterAction};
use revm::primitives::{Address, B256};
use revm::state::EvmState;
use revm::{Context, Journal};

use crate::activation::is_stylus_program;
use crate::arbos::memory::Pages;
use crate::arbos::precompiles::ArbPrecompiles;
use crate::stylus::runtime::StylusRuntime;

/// The chain state the devnode keeps in memory.
pub type DevDb = CacheDB<EmptyDB>;
/// revm's context over that state.
pub type DevContext = Context<BlockEnv, TxEnv, CfgEnv, DevDb, Journal<DevDb>, ()>;
type Inner = Evm<
    DevContext,
    (),
    EthInstructions<EthInterpreter, DevContext>,
    ArbPrecompiles,
    EthFrame<EthInterpreter>,
>;
/// What executing a transaction can fail with before it is valid (nonce, balance, …).
pub type DevError = EVMError<Infallible, InvalidTransaction>;

/// Per-transaction Stylus bookkeeping that is not part of the state trie.
#[derive(Debug, Default)]
pub(crate) struct TxScope {
    /// Open and high-water WASM pages (nitro's `AddStylusPages`).
    pub pages: Pages,
    /// The acting address of every open frame (None for delegate/callcode frames).
    open_frames: Vec<Option<Address>>,
    /// How many open frames act for each address: `msg_reentrant` is `count > 1`.
    acting: HashMap<Address, u32>,
}

impl TxScope {
    fn enter(&mut self, acting: Option<Address>) {
        if let Some(a) = acting {
            *self.acting.entry(a).or_default() += 1;
        }
        self.open_frames.push(acting);
    }

    fn leave(&mut self) {
        if let Some(Some(a)) = self.open_frames.pop() {
            if let Some(n) = self.acting.get_mut(&a) {
                *n -= 1;
            }
        }
    }

    /// nitro's reentrancy rule (`arbos/tx_processor.go`): more than one open
    /// non-delegate frame acts for this address.
    pub fn is_reentrant(&self, address: Address) -> bool {
        self.acting.get(&address).copied().unwrap_or(0) > 1
    }
}

/// revm's EVM plus the Stylus runtime; implements revm's `EvmTr` so `MainnetHandler`
/// drives it.
pub struct DevEvm {
    inner: Inner,
    pub(crate) runtime: Arc<StylusRuntime>,
    pub(crate) scope: TxScope,
}

impl DevEvm {
    pub fn new(ctx: DevContext, runtime: Arc<StylusRuntime>) -> Self {
        let spec = ctx.cfg.spec;
        let inner = Evm {
            ctx,
            inspector: (),
            instruction: EthInstructions::new_mainnet_with_spec(spec),
            precompiles: ArbPrecompiles::new(spec, runtime.clone()),
            frame_stack: FrameStack::new_prealloc(16),
        };
        Self {
            inner,
            runtime,
            scope: TxScope::default(),
        }
    }

    pub fn ctx_ref(&self) -> &DevContext {
        &self.inner.ctx
    }

    pub fn ctx_mut(&mut self) -> &mut DevContext {
        &mut self.inner.ctx
    }

    pub fn into_context(self) -> DevContext {
        self.inner.ctx
    }

    /// Runs one transaction and returns its result and the state it changed (not yet
    /// committed to the database).
    pub fn transact(&mut self, tx: TxEnv) -> Result<(ExecutionResult, EvmState), DevError> {
        self.inner.ctx.tx = tx;
        self.scope = TxScope::default();
        let result =
            MainnetHandler::<Self, DevError, EthFrame<EthInterpreter>>::default().run(self);
        let state = self.inner.ctx.journal_mut().finalize();
        result.map(|r| (r, state))
    }

    /// Runs a child frame to completion on behalf of the frame on top of the stack (a
    /// Stylus program or the native deployer) and returns its result. The child and its
    /// descendants run through the same `frame_init`/`frame_run` as any EVM frame.
    pub(crate) fn run_child(
        &mut self,
        frame_input: FrameInput,
    ) -> Result<FrameResult, ContextDbError<DevContext>> {
        let parent = self
            .inner
            .frame_stack
            .index()
            .expect("a child frame always has a running parent");
        let top = self.inner.frame_stack.get();
        let init = FrameInit {
            depth: top.depth + 1,
            memory: top.interpreter.memory.new_child_context(),
            frame_input,
        };
        let mut result = match self.frame_init(init)? {
            ItemOrResult::Result(r) => {
                self.release_child_memory();
                return Ok(r);
            }
            ItemOrResult::Item(_) => None,
        };
        loop {
            let r = match result.take() {
                Some(r) => r,
                None => match self.frame_run()? {
                    ItemOrResult::Item(init) => match self.frame_init(init)? {
                        ItemOrResult::Item(_) => continue,
                        ItemOrResult::Result(r) => r,
                    },
                    ItemOrResult::Result(r) => r,
                },
            };
            let stack = &mut self.inner.frame_stack;
            if stack.index() == Some(parent + 1) && stack.get().is_finished() {
                stack.pop();
                self.scope.leave();
                self.release_child_memory();
                return Ok(r);
            }
            if let Some(r) = self.frame_return_result(r)? {
                // Cannot happen while the parent is open; hand it back rather than lose it.
                return Ok(r);
            }
        }
    }

    /// The parent frame's shared memory no longer holds a child context.
    fn release_child_memory(&mut self) {
        let top = self.inner.frame_stack.get();
        top.interpreter.memory.free_child_context();
    }

    /// The inputs of the frame on top of the stack.
    pub(crate) fn top_input(&mut self) -> &FrameInput {
        &self.inner.frame_stack.get().input
    }
}

/// The address a frame acts for, as nitro's reentrancy counter sees it.
fn acting_address(frame: &EthFrame<EthInterpreter>) -> Option<Address> {
    match &frame.input {
        FrameInput::Call(c) => match c.scheme {
            CallScheme::DelegateCall | CallScheme::CallCode => None,
            _ => Some(c.target_address),
        },
        FrameInput::Create(_) => Some(frame.interpreter.input.target_address),
        FrameInput::Empty => None,
    }
}

impl EvmTr for DevEvm {
    type Context = DevContext;
    type Instructions = EthInstructions<EthInterpreter, DevContext>;
    type Precompiles = ArbPrecompiles;
    type Frame = EthFrame<EthInterpreter>;

    fn all(
        &self,
    ) -> (
        &Self::Context,
        &Self::Instructions,
        &Self::Precompiles,
        &FrameStack<Self::Frame>,
    ) {
        self.inner.all()
    }

    fn all_mut(
        &mut self,
    ) -> (
        &mut Self::Context,
        &mut Self::Instructions,
        &mut Self::Precompiles,
        &mut FrameStack<Self::Frame>,
    ) {
        self.inner.all_mut()
    }

    fn frame_init(
        &mut self,
        frame_input: <Self::Frame as FrameTr>::FrameInit,
    ) -> Result<FrameInitResult<'_, Self::Frame>, ContextDbError<Self::Context>> {
        let res = self.inner.frame_init(frame_input)?;
        Ok(match res {
            ItemOrResult::Item(frame) => {
                let acting = acting_address(frame);
                self.scope.enter(acting);
                ItemOrResult::Item(self.inner.frame_stack.get())
            }
            ItemOrResult::Result(r) => ItemOrResult::Result(r),
        })
    }

    fn frame_run(
        &mut self,
    ) -> Result<FrameInitOrResult<Self::Frame>, ContextDbError<Self::Context>> {
        let frame = self.inner.frame_stack.get();
        let native = match &frame.input {
            FrameInput::Call(c)
                if c.target_address == crate::deployer::ADDRESS
                    && c.bytecode_address == crate::deployer::ADDRESS =>
            {
                Some(Native::Deployer)
            }
            FrameInput::Call(c)
                if c.target_address == crate::cache_manager::ADDRESS
                    && c.bytecode_address == crate::cache_manager::ADDRESS =>
            {
                Some(Native::CacheManager)
            }
            FrameInput::Call(c) if is_stylus_program(c.known_bytecode.1.original_byte_slice()) => {
                Some(Native::Stylus(c.known_bytecode.0))
            }
            _ => None,
        };
        let Some(native) = native else {
            return self.run_evm_frame();
        };
        let result = match native {
            Native::Stylus(codehash) => crate::stylus::call::run_program(self, codehash)?,
            Native::Deployer => crate::deployer::run(self)?,
            Native::CacheManager => crate::cache_manager::run(self)?,
        };
        let (ctx, _, _, stack) = self.inner.all_mut();
        let frame = stack.get();
        frame
            .process_next_action::<_, ContextDbError<DevContext>>(
                ctx,
                InterpreterAction::Return(result),
            )
            .inspect(|i| {
                if i.is_result() {
                    frame.set_finished(true);
                }
            })
    }

    fn frame_return_result(
        &mut self,
        result: <Self::Frame as FrameTr>::FrameResult,
    ) -> Result<Option<<Self::Frame as FrameTr>::FrameResult>, ContextDbError<Self::Context>> {
        if self.inner.frame_stack.get().is_finished() {
            self.scope.leave();
        }
        self.inner.frame_return_result(result)
    }
}

enum Native {
    Stylus(B256),
    Deployer,
    CacheManager,
}

impl DevEvm {
    /// revm's own `frame_run`, except that a CREATE whose init code returns a Stylus
    /// program keeps it: nitro exempts the Stylus prefix from EIP-3541
    /// (`core/vm/evm.go`), while any other code starting with 0xEF is still refused.
    fn run_evm_frame(
        &mut self,
    ) -> Result<FrameInitOrResult<EthFrame<EthInterpreter>>, ContextDbError<DevContext>> {
        let (ctx, instructions, _, stack) = self.inner.all_mut();
        let frame = stack.get();
        let action = frame.interpreter.run_plain(
            instructions.instruction_table(),
            instructions.gas_table(),
            ctx,
        );
        let keeps_stylus = matches!(frame.data, FrameData::Create(_))
            && matches!(&action, InterpreterAction::Return(r) if is_stylus_program(&r.output));
        ctx.cfg.disable_eip3541 = keeps_stylus;
        let next = frame.process_next_action::<_, ContextDbError<DevContext>>(ctx, action);
        ctx.cfg.disable_eip3541 = false;
        next.inspect(|i| {
            if i.is_result() {
                frame.set_finished(true);
            }
        })
    }
}
